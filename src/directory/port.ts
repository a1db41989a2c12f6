import type { KnownMfaState, PerUserMfaState } from "../core/states.js";

/**
 * The Directory port: everything the worker needs from Entra ID. The Microsoft Graph
 * implementation lives in ./graph; the sandbox tenant serves the same HTTP, so tests
 * and the demo run through that one implementation.
 */

export interface DirectoryUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  mail?: string | null;
  /** Graph's `proxyAddresses` (`SMTP:primary@…`, `smtp:alias@…`): a protected account may be named by any. */
  proxyAddresses?: readonly string[];
  accountEnabled?: boolean;
}

export interface Registration {
  isMfaRegistered: boolean;
  isMfaCapable: boolean;
  /** Graph's names: `microsoftAuthenticatorPush`, `softwareOneTimePasscode`, `mobilePhone`, … */
  methodsRegistered: string[];
  defaultMethod: string | null;
  /** The registration report's `isAdmin` (holds an admin role); absent when read from the methods list. */
  isAdmin?: boolean;
  /** Where it came from: the registration report, or the per-user methods list (fallback). */
  source: "report" | "methods";
}

export interface AuthMethod {
  id: string;
  /** Short type: `phone`, `microsoftAuthenticator`, `softwareOath`, `fido2`, `windowsHelloForBusiness`, `email`, `temporaryAccessPass`, `password`. */
  type: string;
  /** e.g. phone number (masked by Graph) or device name, for display. */
  detail?: string;
}

export interface MethodDeletion {
  method: AuthMethod;
  ok: boolean;
  error?: string;
}

/** Result of one item of a batched change; `state` is what Graph reports after the write. */
export type StateChangeResult =
  | { userId: string; ok: true; state: PerUserMfaState }
  | {
      userId: string;
      ok: false;
      error: string;
      status?: number;
      /**
       * Graph could not be reached or answered 5xx through every retry: the user's state is
       * unknown, not refused — worth trying again once Graph answers (an outage).
       */
      unavailable?: true;
      /** The write was accepted and only reading it back failed: try the read, not the write. */
      written?: true;
    };

/**
 * A policy's guest or external user condition
 * (https://learn.microsoft.com/graph/api/resources/conditionalaccessguestsorexternalusers):
 * which kinds (`internalGuest,b2bCollaborationGuest,…`) from which tenants.
 */
export interface GuestsOrExternalUsersCondition {
  guestOrExternalUserTypes?: string;
  externalTenants?: { membershipKind?: string; members?: string[] } | null;
}

export interface ConditionalAccessPolicy {
  id: string;
  displayName: string;
  state: string;
  conditions: {
    users?: {
      includeUsers?: string[];
      excludeUsers?: string[];
      includeGroups?: string[];
      excludeGroups?: string[];
      includeRoles?: string[];
      excludeRoles?: string[];
      includeGuestsOrExternalUsers?: GuestsOrExternalUsersCondition | null;
      excludeGuestsOrExternalUsers?: GuestsOrExternalUsersCondition | null;
    } | null;
    applications?: { includeApplications?: string[]; excludeApplications?: string[] } | null;
    [other: string]: unknown;
  };
  grantControls?: {
    operator?: string;
    builtInControls?: string[];
    authenticationStrength?: { id?: string; displayName?: string; allowedCombinations?: string[] } | null;
  } | null;
}

/**
 * What requires MFA of a user: an enforcing Conditional Access policy, only security
 * defaults (which prompt "when necessary", not at every sign-in — a different thing:
 * https://learn.microsoft.com/entra/fundamentals/security-defaults), or nothing.
 */
export type CoverageKind = "conditionalAccess" | "securityDefaults" | "none";

/**
 * Why no policy covers a user, where the convert plan names such users on their own:
 * excluded by one of their directory roles, or a guest/external user whom a policy's
 * guest condition may leave out and the bot cannot evaluate.
 */
export type CoverageGap = "excludedByRole" | "guestOrExternalUser";

export interface MfaCoverage {
  /** An enforcing Conditional Access policy requires MFA of the user. Security defaults alone do not count. */
  covered: boolean;
  kind: CoverageKind;
  /** Names of what covers the user: policy display names, or "security defaults". */
  by: string[];
  /** Why a policy that looks relevant does not count (report-only, excluded, OR alternative, …). */
  notes: string[];
  gaps: CoverageGap[];
}

/** One entry of the directory audit log, as far as the drift alerts read it. */
export interface DirectoryAudit {
  /** activityDateTime, ISO. */
  at: string;
  activity: string;
  /** The user's UPN (or the app's name) that did it, when the log names one. */
  initiatedBy?: string;
  /** Object ids (lower-cased) of the users it changed. */
  targetUserIds: string[];
}

export interface Directory {
  /** By object id, UPN or email; null when there is no such user. */
  getUser(ref: string): Promise<DirectoryUser | null>;
  /** Every user of the tenant (all pages): for `report` and `convert`. */
  listUsers(): Promise<DirectoryUser[]>;
  getMfaState(userId: string): Promise<PerUserMfaState>;
  /** Writes, then reads back: returns what Graph says now, not what was asked. */
  setMfaState(userId: string, state: KnownMfaState): Promise<PerUserMfaState>;
  /** Batched reads (20 per `$batch`); a user whose read failed maps to an Error. */
  getMfaStates(userIds: readonly string[]): Promise<Map<string, PerUserMfaState | Error>>;
  /** Batched writes with read-back, per-item result; per-item 429s retried after their own Retry-After. */
  setMfaStates(
    changes: ReadonlyArray<{ userId: string; state: KnownMfaState }>,
  ): Promise<StateChangeResult[]>;
  /**
   * From the registration report when it can answer; from the user's methods list when it
   * cannot, or with `live` — the report lags changes by hours, so a user whose methods or
   * state the bot just changed is read live.
   */
  getRegistration(userId: string, options?: { live?: boolean }): Promise<Registration>;
  /**
   * Registration of many users at once, never one report request per user: from the
   * registration report (by `$filter` for a few users, its whole list for many), the rest —
   * and everyone, with `live` — from their methods lists, 20 to a `$batch`. A user whose
   * registration cannot be read is missing from the map.
   */
  getRegistrations(
    userIds: readonly string[],
    options?: { live?: boolean },
  ): Promise<Map<string, Registration>>;
  /**
   * The registration report of the whole tenant, a page (up to 999 users) at a time: bounded
   * memory, paced by the report's own limit (5 requests per 10 s). Throws a "forbidden"
   * DirectoryError when the tenant cannot have the report (no Entra ID P1/P2).
   */
  registrationPages(): AsyncIterable<
    Array<{ userId: string; userPrincipalName: string; displayName: string; registration: Registration }>
  >;
  /** Every user of the tenant, a page at a time (bounded memory). */
  userPages(): AsyncIterable<DirectoryUser[]>;
  listMethods(userId: string): Promise<AuthMethod[]>;
  deleteMethod(userId: string, method: AuthMethod): Promise<void>;
  /** Deletes every deletable method, the default one last; a result per method. */
  requireReregistration(userId: string): Promise<MethodDeletion[]>;
  /** Transitive user members of a group (all pages). */
  groupMembers(groupId: string): Promise<DirectoryUser[]>;
  /** Ids of the groups the user is a transitive member of (for CA exclusions and `group:` roles). */
  memberOf(userId: string): Promise<string[]>;
  caPolicies(): Promise<ConditionalAccessPolicy[]>;
  securityDefaultsEnabled(): Promise<boolean>;
  /** Whether an enforcing CA policy (or, as its own kind, only security defaults) requires MFA of this user. */
  mfaCoverage(userId: string): Promise<MfaCoverage>;
  /**
   * Drops cached CA policies and security defaults (Graph throttles those reads hard, so
   * they are cached briefly): the next coverage read is fresh. For the apply-time check.
   */
  forgetPolicies(): void;
  /** The directory audit log since `since` (AuditLog.Read.All), for naming who changed a user. */
  directoryAudits(since: Date): Promise<DirectoryAudit[]>;
}
