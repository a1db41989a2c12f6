import { z } from "zod";
import {
  evaluateMfaCoverage,
  needsGroupMembership,
  needsRoleMembership,
  needsUserKind,
  type UserKind,
} from "../coverage.js";
import type { ConditionalAccessPolicy, GuestsOrExternalUsersCondition, MfaCoverage } from "../port.js";
import { memberOf } from "./groups.js";
import type { GraphHttp } from "./http.js";
import { collectPages } from "./paging.js";
import { userPath } from "./users.js";

const PERMISSION = "Policy.Read.All";
/** CA policies are throttled to about 1 request/s per tenant and change rarely. */
const CACHE_MS = 60_000;

const stringList = z.array(z.string()).nullish();

/** conditionalAccessGuestsOrExternalUsers: https://learn.microsoft.com/graph/api/resources/conditionalaccessguestsorexternalusers */
const guestsOrExternalUsers = z
  .looseObject({
    guestOrExternalUserTypes: z.string().nullish(),
    externalTenants: z.looseObject({ membershipKind: z.string().nullish(), members: stringList }).nullish(),
  })
  .nullish();

const policySchema = z.object({
  id: z.string(),
  displayName: z.string().nullish(),
  state: z.string(),
  conditions: z
    .looseObject({
      users: z
        .object({
          includeUsers: stringList,
          excludeUsers: stringList,
          includeGroups: stringList,
          excludeGroups: stringList,
          includeRoles: stringList,
          excludeRoles: stringList,
          includeGuestsOrExternalUsers: guestsOrExternalUsers,
          excludeGuestsOrExternalUsers: guestsOrExternalUsers,
        })
        .nullish(),
      applications: z.object({ includeApplications: stringList, excludeApplications: stringList }).nullish(),
    })
    .nullish(),
  grantControls: z
    .object({
      operator: z.string().nullish(),
      builtInControls: stringList,
      authenticationStrength: z
        .object({
          id: z.string().nullish(),
          displayName: z.string().nullish(),
          allowedCombinations: stringList,
        })
        .nullish(),
    })
    .nullish(),
});

type RawPolicy = z.infer<typeof policySchema>;

/** Graph's nulls become absent fields, so the pure coverage code sees one shape. */
function withoutNulls<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null)) as {
    [K in keyof T]?: Exclude<T[K], null>;
  };
}

function toGuestCondition(
  raw: z.infer<typeof guestsOrExternalUsers>,
): GuestsOrExternalUsersCondition | undefined {
  if (!raw) return undefined;
  const tenants = raw.externalTenants;
  return {
    ...(raw.guestOrExternalUserTypes ? { guestOrExternalUserTypes: raw.guestOrExternalUserTypes } : {}),
    ...(tenants
      ? {
          externalTenants: {
            ...(tenants.membershipKind ? { membershipKind: tenants.membershipKind } : {}),
            ...(tenants.members ? { members: tenants.members } : {}),
          },
        }
      : {}),
  };
}

function toUsers(raw: NonNullable<NonNullable<RawPolicy["conditions"]>["users"]>) {
  const { includeGuestsOrExternalUsers, excludeGuestsOrExternalUsers, ...lists } = raw;
  const include = toGuestCondition(includeGuestsOrExternalUsers);
  const exclude = toGuestCondition(excludeGuestsOrExternalUsers);
  return {
    ...withoutNulls(lists),
    ...(include ? { includeGuestsOrExternalUsers: include } : {}),
    ...(exclude ? { excludeGuestsOrExternalUsers: exclude } : {}),
  };
}

function toPolicy(raw: RawPolicy): ConditionalAccessPolicy {
  const conditions = raw.conditions ?? {};
  const { users, applications, ...other } = conditions;
  const grant = raw.grantControls;
  return {
    id: raw.id,
    displayName: raw.displayName ?? raw.id,
    state: raw.state,
    conditions: {
      ...other,
      ...(users ? { users: toUsers(users) } : {}),
      ...(applications ? { applications: withoutNulls(applications) } : {}),
    },
    ...(grant
      ? {
          grantControls: {
            ...(grant.operator ? { operator: grant.operator } : {}),
            ...(grant.builtInControls ? { builtInControls: grant.builtInControls } : {}),
            ...(grant.authenticationStrength
              ? { authenticationStrength: withoutNulls(grant.authenticationStrength) }
              : {}),
          },
        }
      : {}),
  };
}

/** A value fetched at most once a minute, one request in flight however many ask; `forget` drops it. */
function cachedFor<T>(
  ms: number,
  now: () => number,
  load: () => Promise<T>,
): (() => Promise<T>) & { forget(): void } {
  let cached: { value: T; until: number } | undefined;
  let inflight: Promise<T> | undefined;
  const read = async () => {
    if (cached && now() < cached.until) return cached.value;
    inflight ??= load()
      .then((value) => {
        cached = { value, until: now() + ms };
        return value;
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };
  return Object.assign(read, {
    forget() {
      cached = undefined;
    },
  });
}

export interface ConditionalAccessReader {
  caPolicies(): Promise<ConditionalAccessPolicy[]>;
  securityDefaultsEnabled(): Promise<boolean>;
  mfaCoverage(userId: string): Promise<MfaCoverage>;
  forgetPolicies(): void;
}

export function createConditionalAccessReader(http: GraphHttp): ConditionalAccessReader {
  const { now } = http.options.timing;
  const caPolicies = cachedFor(CACHE_MS, now, async () =>
    (
      await collectPages(
        http,
        { method: "GET", path: "/v1.0/identity/conditionalAccess/policies", permission: PERMISSION },
        policySchema,
      )
    ).map(toPolicy),
  );
  const securityDefaultsEnabled = cachedFor(CACHE_MS, now, async () => {
    const response = await http.request({
      method: "GET",
      path: "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy",
      permission: PERMISSION,
    });
    return z.object({ isEnabled: z.boolean() }).parse(response.body).isEnabled;
  });

  return {
    caPolicies: async () => [...(await caPolicies())],
    securityDefaultsEnabled: () => securityDefaultsEnabled(),
    forgetPolicies() {
      caPolicies.forget();
      securityDefaultsEnabled.forget();
    },
    async mfaCoverage(userId) {
      const [policies, securityDefaults] = await Promise.all([caPolicies(), securityDefaultsEnabled()]);
      // Policies are read whatever security defaults say: the two should not coexist, but if
      // Graph says both, a policy's coverage is the stronger answer. Each lookup only when a
      // policy needs it.
      const [groupIds, roles, kind] = await Promise.all([
        needsGroupMembership(policies) ? memberOf(http, userId) : [],
        needsRoleMembership(policies) ? directoryRolesOf(http, userId) : undefined,
        needsUserKind(policies) ? userKindOf(http, userId) : undefined,
      ]);
      return evaluateMfaCoverage(policies, securityDefaults, {
        id: userId,
        groupIds,
        ...(roles === undefined ? {} : roles),
        ...(kind === undefined ? {} : { kind }),
      });
    },
  };
}

const ROLE_READ_PERMISSION = "RoleManagement.Read.Directory";

/**
 * The template ids of the user's directory roles, which is what `includeRoles` and
 * `excludeRoles` hold (https://learn.microsoft.com/graph/api/resources/conditionalaccessusers).
 * Listing memberships needs only User.Read.All, but an app that may not read directory roles
 * gets them with `id` and `@odata.type` only (limited information:
 * https://learn.microsoft.com/graph/permissions-overview#limited-information-returned-for-inaccessible-member-objects):
 * then the roles are unknown, and the user is not counted as covered.
 */
async function directoryRolesOf(
  http: GraphHttp,
  userId: string,
): Promise<{ roleIds: string[] } | { rolesUnknownBecause: string }> {
  const roles = await collectPages(
    http,
    {
      method: "GET",
      path: `/v1.0${userPath(userId)}/transitiveMemberOf/microsoft.graph.directoryRole?$select=id,roleTemplateId`,
      headers: { ConsistencyLevel: "eventual" },
      permission: "User.Read.All",
      notFound: "no such user",
    },
    z.looseObject({ id: z.string(), roleTemplateId: z.string().nullish() }),
  );
  if (roles.some((role) => !role.roleTemplateId)) {
    return { rolesUnknownBecause: `the app lacks ${ROLE_READ_PERMISSION} to read them` };
  }
  return { roleIds: roles.map((role) => role.roleTemplateId!) };
}

const userKind = z.object({
  userPrincipalName: z.string(),
  userType: z.string().nullish(),
  externalUserState: z.string().nullish(),
});

/**
 * A member of the tenant's own is `userType: Member` with no invitation state and no
 * `#EXT#` UPN; anything else (guests, B2B collaboration members) is a guest or external user
 * (https://learn.microsoft.com/entra/external-id/user-properties).
 */
async function userKindOf(http: GraphHttp, userId: string): Promise<UserKind> {
  const response = await http.request({
    method: "GET",
    path: `/v1.0${userPath(userId)}?$select=id,userPrincipalName,userType,externalUserState`,
    permission: "User.Read.All",
    notFound: "no such user",
  });
  const user = userKind.parse(response.body);
  const member =
    user.userType?.toLowerCase() === "member" &&
    !user.externalUserState &&
    !user.userPrincipalName.toUpperCase().includes("#EXT#");
  return member ? "member" : "guestOrExternal";
}
