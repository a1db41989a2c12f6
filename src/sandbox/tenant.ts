import { randomUUID } from "node:crypto";
import { type DirectoryAuditRecord, mfaStateAudit } from "./directory-audits.js";
import {
  type MethodType,
  PHONE_METHOD_IDS,
  parseSeed,
  type SandboxSeed,
  type SeedApplication,
  type SeedCaPolicy,
  type SeedDirectoryRole,
  type SeedGroup,
  type SeedMethod,
  type SeedUser,
} from "./seed-schema.js";

/**
 * The sandbox tenant's state and the rules Entra applies to it. No HTTP here: the
 * routes translate requests into these calls, and tests call them directly to
 * arrange a situation (a user registers, an admin flips security defaults).
 */

/** Methods that count as MFA registration (email and Temporary Access Pass do not). */
const MFA_METHOD_TYPES: ReadonlySet<MethodType> = new Set([
  "phone",
  "microsoftAuthenticator",
  "softwareOath",
  "fido2",
  "windowsHelloForBusiness",
  "platformCredential",
  "external",
]);

export function isMfaMethod(method: Pick<SeedMethod, "type">): boolean {
  return MFA_METHOD_TYPES.has(method.type);
}

export interface TenantError {
  status: number;
  code: string;
  message: string;
}

export type TenantResult = { ok: true } | { ok: false; error: TenantError };

/** A user as the tenant holds it; `perUserMfaState` may be any string Graph might send. */
export type TenantUser = Omit<SeedUser, "perUserMfaState"> & { perUserMfaState: string };

export function notFound(ref: string): TenantError {
  return {
    status: 404,
    code: "Request_ResourceNotFound",
    message: `Resource '${ref}' does not exist or one of its queried reference-property objects are not present.`,
  };
}

/**
 * How Graph refuses to delete a user's default method. The documentation and what admins
 * report differ, so the sandbox can answer each way:
 * - `otherMethodsConfigured`: "Cannot delete default method with other methods configured";
 *   the default goes once it is the last method (microsoft-graph-docs-contrib #1888).
 * - `matchesDefault`: "The requested authentication method id of [...] matches the user's
 *   current default authentication method, and cannot be deleted until the default
 *   authentication method is changed"; also allowed once it is the last (#2913).
 * - `matchesDefaultEvenWhenLast`: the same wording, and never deleted while it is the default —
 *   "If the phone number is the user's default … it can't be deleted. Have the user change
 *   their default authentication method" (https://learn.microsoft.com/graph/api/phoneauthenticationmethod-delete).
 */
export const DEFAULT_METHOD_REFUSALS = [
  "otherMethodsConfigured",
  "matchesDefault",
  "matchesDefaultEvenWhenLast",
] as const;
export type DefaultMethodRefusal = (typeof DEFAULT_METHOD_REFUSALS)[number];

export interface TenantOptions {
  /** Milliseconds since the epoch; drives `lastUpdatedDateTime`. */
  now?: () => number;
  /** How deleting the default method is refused; default `otherMethodsConfigured`. */
  defaultMethodRefusal?: DefaultMethodRefusal;
  /**
   * How long the registration report goes on showing a user as it last saw them: "The data
   * in the report is not updated in real-time and may reflect a latency of up to a few
   * hours" (https://learn.microsoft.com/entra/identity/authentication/howto-authentication-methods-activity#limitations).
   * Default 0: always current.
   */
  reportLatencyMs?: number;
}

export class SandboxTenant {
  premium: boolean;
  securityDefaultsEnabled: boolean;
  conditionalAccessPolicies: SeedCaPolicy[];
  /** The bot's app registration: consented permissions and registered certificates. */
  application: SeedApplication;
  private readonly byId = new Map<string, TenantUser>();
  private readonly byUpn = new Map<string, TenantUser>();
  private readonly byMail = new Map<string, TenantUser[]>();
  private readonly groups = new Map<string, SeedGroup>();
  private readonly directoryRoles: SeedDirectoryRole[];
  /** Member id → the groups that list it directly; groups do not change at run time. */
  private readonly parents = new Map<string, SeedGroup[]>();
  private readonly updatedAt = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  private readonly now: () => number;
  private readonly createdAt: number;
  private readonly defaultMethodRefusal: DefaultMethodRefusal;
  private readonly reportLatencyMs: number;
  /** The registration report's copy of each user, and when it next catches up. */
  private readonly reported = new Map<string, { user: TenantUser; at: number; until: number }>();
  /** The directory audit log (directory-audits.ts), oldest first. */
  readonly directoryAudits: DirectoryAuditRecord[] = [];

  constructor(seed: SandboxSeed, options: TenantOptions = {}) {
    this.now = options.now ?? Date.now;
    this.reportLatencyMs = options.reportLatencyMs ?? 0;
    this.defaultMethodRefusal = options.defaultMethodRefusal ?? "otherMethodsConfigured";
    this.createdAt = this.now();
    const copy = structuredClone(seed);
    this.premium = copy.premium;
    this.securityDefaultsEnabled = copy.securityDefaultsEnabled;
    this.conditionalAccessPolicies = copy.conditionalAccessPolicies;
    this.directoryRoles = copy.directoryRoles;
    this.application = copy.application;
    for (const user of copy.users) {
      // A seed can say "enabled" for someone already registered; Entra would show them enforced.
      applyEnforcementRule(user);
      this.index(user);
    }
    for (const group of copy.groups) {
      this.groups.set(group.id.toLowerCase(), group);
      for (const member of group.members) {
        const key = member.toLowerCase();
        this.parents.set(key, [...(this.parents.get(key) ?? []), group]);
      }
    }
  }

  /** Called after every change (persistence listens here). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** By object id or UPN, case-insensitively; a copy, so tests cannot bypass the rules. */
  user(idOrUpn: string): TenantUser | undefined {
    const user = this.find(idOrUpn);
    return user && structuredClone(user);
  }

  /** Every user, in seed order. Live objects: for the routes, which only read. */
  allUsers(): readonly TenantUser[] {
    return [...this.byId.values()];
  }

  usersByMail(mail: string): readonly TenantUser[] {
    return this.byMail.get(mail.toLowerCase()) ?? [];
  }

  find(idOrUpn: string): TenantUser | undefined {
    const key = idOrUpn.toLowerCase();
    return this.byId.get(key) ?? this.byUpn.get(key);
  }

  lastUpdated(user: TenantUser): Date {
    return new Date(this.updatedAt.get(user.id.toLowerCase()) ?? this.createdAt);
  }

  /**
   * The user as the registration report shows them: with `reportLatencyMs`, the copy the
   * report took when it last caught up, which it keeps for that long.
   */
  reportedUser(user: TenantUser): { user: TenantUser; lastUpdated: Date } {
    if (this.reportLatencyMs <= 0) return { user, lastUpdated: this.lastUpdated(user) };
    const key = user.id.toLowerCase();
    const now = this.now();
    let copy = this.reported.get(key);
    if (!copy || now >= copy.until) {
      copy = { user: structuredClone(user), at: now, until: now + this.reportLatencyMs };
      this.reported.set(key, copy);
    }
    return { user: copy.user, lastUpdated: new Date(copy.at) };
  }

  /** Removes a user (deleted in Entra): lookups by id, UPN and mail find nobody afterwards. */
  deleteUser(idOrUpn: string): boolean {
    const user = this.find(idOrUpn);
    if (!user) return false;
    this.byId.delete(user.id.toLowerCase());
    this.byUpn.delete(user.userPrincipalName.toLowerCase());
    this.unindexMail(user, user.mail);
    this.changed();
    return true;
  }

  /**
   * What a PATCH of authentication/requirements does; returns the state Entra now shows.
   * Enabling a user who already has registration details ("such as phone or email") is a
   * re-enable: they stay Enabled until they re-register, never Enforced at once
   * (https://learn.microsoft.com/entra/identity/authentication/howto-mfa-userstates —
   * "If the user doesn't re-register, their MFA state doesn't transition from Enabled to
   * Enforced"; shared/reference/per-user-mfa-states.txt).
   */
  /**
   * An admin changes a user's per-user MFA state in the Entra admin center — outside the bot —
   * and the directory audit log records who, when, and the old and new values.
   */
  changeMfaStateAsAdmin(idOrUpn: string, state: string, adminIdOrUpn: string): string | undefined {
    const user = this.find(idOrUpn);
    const admin = this.find(adminIdOrUpn);
    if (!user || !admin) return undefined;
    const from = user.perUserMfaState;
    const now = this.setMfaState(user.id, state);
    this.directoryAudits.push(
      mfaStateAudit({
        at: new Date(this.now()),
        target: { id: user.id, upn: user.userPrincipalName, displayName: user.displayName },
        by: { id: admin.id, upn: admin.userPrincipalName, displayName: admin.displayName },
        from,
        to: user.perUserMfaState,
      }),
    );
    return now;
  }

  setMfaState(idOrUpn: string, state: string): string | undefined {
    const user = this.find(idOrUpn);
    if (!user) return undefined;
    const before = user.perUserMfaState;
    user.perUserMfaState = state;
    if (state === "enabled" && before !== "enabled" && user.methods.length > 0) user.mustReregister = true;
    applyEnforcementRule(user);
    this.changed(user);
    return user.perUserMfaState;
  }

  /**
   * Deletes a method the way Graph does: not the password, not the default while
   * other methods remain, not the mobile phone while an alternate mobile exists.
   */
  deleteMethod(idOrUpn: string, type: MethodType, methodId: string): TenantResult {
    const user = this.find(idOrUpn);
    if (!user) return { ok: false, error: notFound(idOrUpn) };
    const method = user.methods.find((m) => m.type === type && m.id.toLowerCase() === methodId.toLowerCase());
    if (!method) return { ok: false, error: notFound(methodId) };
    const others = user.methods.filter((m) => m !== method);
    if (user.defaultMethod === method.id) {
      const refused = this.defaultMethodRefusal === "matchesDefaultEvenWhenLast" || others.length > 0;
      if (refused && this.defaultMethodRefusal === "otherMethodsConfigured") {
        return {
          ok: false,
          error: badRequest("Cannot delete default method with other methods configured"),
        };
      }
      if (refused) {
        return {
          ok: false,
          error: badRequest(
            `The requested authentication method id of [${method.id}] matches the user's current default authentication method, and cannot be deleted until the default authentication method is changed`,
          ),
        };
      }
    }
    if (
      method.id === PHONE_METHOD_IDS.mobile &&
      others.some((m) => m.id === PHONE_METHOD_IDS.alternateMobile)
    ) {
      return {
        ok: false,
        error: badRequest(
          "Cannot delete the mobile phone method while an alternate mobile phone method exists",
        ),
      };
    }
    user.methods = others;
    if (user.defaultMethod === method.id) delete user.defaultMethod;
    // Registration details are gone: the next registration is a fresh one.
    if (others.length === 0) user.mustReregister = false;
    this.changed(user);
    return { ok: true };
  }

  /**
   * The user registers a method at sign-in: it is added (replacing one with the same
   * id), becomes the default if there was none, the re-registration flag clears, and
   * an enabled user becomes enforced.
   */
  register(idOrUpn: string, method: SeedMethod): TenantUser {
    const user = this.require(idOrUpn);
    this.replaceMethods(
      user,
      [...user.methods.filter((m) => m.id !== method.id), method],
      user.defaultMethod,
    );
    if (user.defaultMethod === undefined && isMfaMethod(method)) user.defaultMethod = method.id;
    user.mustReregister = false;
    applyEnforcementRule(user);
    this.changed(user);
    return structuredClone(user);
  }

  /**
   * The user signs in interactively. Per Microsoft's per-user MFA page
   * (https://learn.microsoft.com/entra/identity/authentication/howto-mfa-userstates): an Enabled user with no
   * registration details is asked to register, does so (the Microsoft Authenticator app)
   * and becomes Enforced; an Enabled user re-enabled over stale registration details is not
   * asked (they already have methods) and stays Enabled until made to re-register; nobody
   * else changes. Returns what happened, for the admin route and the demo.
   */
  signIn(idOrUpn: string): { user: TenantUser; registered: boolean } {
    const user = this.require(idOrUpn);
    const prompted = user.perUserMfaState === "enabled" && !user.methods.some(isMfaMethod);
    if (!prompted || (user.mustReregister && user.methods.length > 0)) {
      return { user: structuredClone(user), registered: false };
    }
    const registered = this.register(user.id, {
      id: randomUUID(),
      type: "microsoftAuthenticator",
      displayName: "Phone (signed in from the sandbox)",
    });
    return { user: registered, registered: true };
  }

  /** Replaces a user's methods wholesale (the rules still apply: enabled + registered → enforced). */
  setMethods(idOrUpn: string, methods: SeedMethod[], defaultMethod?: string): TenantUser {
    const user = this.require(idOrUpn);
    this.replaceMethods(user, methods, defaultMethod);
    if (methods.length === 0) user.mustReregister = false;
    applyEnforcementRule(user);
    this.changed(user);
    return structuredClone(user);
  }

  /** Sets fields as they are, without the rules: for arranging odd situations in tests. */
  update(
    idOrUpn: string,
    patch: Partial<
      Pick<
        TenantUser,
        | "perUserMfaState"
        | "mustReregister"
        | "accountEnabled"
        | "isAdmin"
        | "displayName"
        | "mail"
        | "defaultMethod"
      >
    >,
  ): TenantUser {
    const user = this.require(idOrUpn);
    const oldMail = user.mail;
    Object.assign(user, patch);
    if (oldMail !== user.mail) {
      this.unindexMail(user, oldMail);
      this.indexMail(user);
    }
    this.changed(user);
    return structuredClone(user);
  }

  setPremium(premium: boolean): void {
    this.premium = premium;
    this.changed();
  }

  setSecurityDefaults(enabled: boolean): void {
    this.securityDefaultsEnabled = enabled;
    this.changed();
  }

  /** What an admin grants or revokes in Entra: tokens issued from now on carry these. */
  setAppPermissions(permissions: readonly string[]): void {
    this.application = { ...this.application, permissions: [...permissions] };
    this.changed();
  }

  setConditionalAccessPolicies(policies: SeedCaPolicy[]): void {
    this.conditionalAccessPolicies = structuredClone(policies);
    this.changed();
  }

  group(id: string): SeedGroup | undefined {
    return this.groups.get(id.toLowerCase());
  }

  allGroups(): readonly SeedGroup[] {
    return [...this.groups.values()];
  }

  /** Users in the group or in any group nested in it, each once, in membership order. */
  transitiveUserMembers(groupId: string): TenantUser[] | undefined {
    return this.transitiveMembers(groupId)?.users;
  }

  /** Users and nested groups reachable from the group, each once (cycles are harmless). */
  transitiveMembers(groupId: string): { users: TenantUser[]; groups: SeedGroup[] } | undefined {
    const root = this.group(groupId);
    if (!root) return undefined;
    const users = new Map<string, TenantUser>();
    const groups = new Map<string, SeedGroup>([[root.id.toLowerCase(), root]]);
    const queue = [root];
    while (queue.length > 0) {
      for (const member of queue.shift()!.members) {
        const key = member.toLowerCase();
        const user = this.byId.get(key);
        if (user) users.set(key, user);
        const nested = this.groups.get(key);
        if (nested && !groups.has(key)) {
          groups.set(key, nested);
          queue.push(nested);
        }
      }
    }
    groups.delete(root.id.toLowerCase());
    return { users: [...users.values()], groups: [...groups.values()] };
  }

  /** Groups the user belongs to directly or through nesting. */
  transitiveGroupsOf(userId: string): SeedGroup[] {
    const found = new Map<string, SeedGroup>();
    const queue = [...(this.parents.get(userId.toLowerCase()) ?? [])];
    while (queue.length > 0) {
      const group = queue.shift()!;
      const key = group.id.toLowerCase();
      if (found.has(key)) continue;
      found.set(key, group);
      queue.push(...(this.parents.get(key) ?? []));
    }
    return [...found.values()];
  }

  /** Directory roles the user holds directly or through a (role-assignable) group. */
  directoryRolesOf(userId: string): SeedDirectoryRole[] {
    const holders = new Set([
      userId.toLowerCase(),
      ...this.transitiveGroupsOf(userId).map((group) => group.id.toLowerCase()),
    ]);
    return this.directoryRoles.filter((role) =>
      role.members.some((member) => holders.has(member.toLowerCase())),
    );
  }

  /** The tenant as a seed, for persistence; it loads back to the same tenant. */
  toSeed(): SandboxSeed {
    return parseSeed(
      structuredClone({
        premium: this.premium,
        securityDefaultsEnabled: this.securityDefaultsEnabled,
        users: [...this.byId.values()],
        groups: [...this.groups.values()],
        directoryRoles: this.directoryRoles,
        conditionalAccessPolicies: this.conditionalAccessPolicies,
        application: this.application,
      }),
      "tenant state",
    );
  }

  private require(idOrUpn: string): TenantUser {
    const user = this.find(idOrUpn);
    if (!user) throw new Error(`the sandbox tenant has no user ${idOrUpn}`);
    return user;
  }

  private replaceMethods(user: TenantUser, methods: SeedMethod[], defaultMethod: string | undefined): void {
    // Reuse the seed's checks (phone ids, duplicates, default among methods) for methods set at run time.
    parseSeed(
      { users: [{ ...user, perUserMfaState: "disabled", methods, defaultMethod }] },
      `methods of ${user.id}`,
    );
    user.methods = structuredClone(methods);
    if (defaultMethod === undefined) delete user.defaultMethod;
    else user.defaultMethod = defaultMethod;
  }

  private index(user: TenantUser): void {
    this.byId.set(user.id.toLowerCase(), user);
    this.byUpn.set(user.userPrincipalName.toLowerCase(), user);
    this.indexMail(user);
  }

  private indexMail(user: TenantUser): void {
    if (!user.mail) return;
    const key = user.mail.toLowerCase();
    this.byMail.set(key, [...(this.byMail.get(key) ?? []), user]);
  }

  private unindexMail(user: TenantUser, mail: string | null | undefined): void {
    if (!mail) return;
    const key = mail.toLowerCase();
    const rest = (this.byMail.get(key) ?? []).filter((u) => u !== user);
    if (rest.length > 0) this.byMail.set(key, rest);
    else this.byMail.delete(key);
  }

  private changed(user?: TenantUser): void {
    if (user) this.updatedAt.set(user.id.toLowerCase(), this.now());
    for (const listener of this.listeners) listener();
  }
}

/**
 * Entra's rule from Microsoft's per-user MFA page
 * (https://learn.microsoft.com/entra/identity/authentication/howto-mfa-userstates): an enabled user who has registered becomes
 * enforced — unless MFA was re-enabled over stale registration details, in which
 * case the user stays enabled until they re-register. Applied when the user registers
 * (or a seed says an enabled user has registered since), never by an admin's PATCH alone.
 */
function applyEnforcementRule(user: TenantUser): void {
  if (user.perUserMfaState === "enabled" && !user.mustReregister && user.methods.some(isMfaMethod)) {
    user.perUserMfaState = "enforced";
  }
}

function badRequest(message: string): TenantError {
  return { status: 400, code: "badRequest", message };
}
