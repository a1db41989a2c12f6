import { z } from "zod";
import { evaluateMfaCoverage, needsGroupMembership } from "../coverage.js";
import type { ConditionalAccessPolicy, MfaCoverage } from "../port.js";
import { memberOf } from "./groups.js";
import type { GraphHttp } from "./http.js";
import { collectPages } from "./paging.js";

const PERMISSION = "Policy.Read.All";
/** CA policies are throttled to about 1 request/s per tenant and change rarely. */
const CACHE_MS = 60_000;

const stringList = z.array(z.string()).nullish();

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
      ...(users ? { users: withoutNulls(users) } : {}),
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
      if (await securityDefaultsEnabled()) return evaluateMfaCoverage([], true, { id: userId, groupIds: [] });
      const policies = await caPolicies();
      const groupIds = needsGroupMembership(policies) ? await memberOf(http, userId) : [];
      return evaluateMfaCoverage(policies, false, { id: userId, groupIds });
    },
  };
}
