import type { SandboxSeedInput, SandboxTenant } from "../../../src/sandbox/index.js";
import type { TenantFixture } from "./tenant-fixture.js";

/** The contract's tenant as a sandbox seed. */
export function toSandboxSeed(tenant: TenantFixture): SandboxSeedInput {
  return {
    premium: tenant.premium,
    securityDefaultsEnabled: tenant.securityDefaultsEnabled,
    users: tenant.users.map(({ defaultMethodId, ...user }) => ({
      ...user,
      methods: user.methods.map((method) => ({ ...method })),
      ...(defaultMethodId === undefined ? {} : { defaultMethod: defaultMethodId }),
    })),
    groups: tenant.groups.map((group) => ({ ...group, members: [...group.members] })),
    directoryRoles: tenant.directoryRoles.map((role) => ({ ...role, members: [...role.members] })),
    conditionalAccessPolicies: structuredClone(tenant.conditionalAccessPolicies),
  };
}

/**
 * Which methods the sandbox removed, and in what order, seen from the tenant's side:
 * after each change, every user's method ids are compared with the last look.
 */
export function watchRemovedMethods(tenant: SandboxTenant): (userId: string) => string[] {
  const last = new Map(tenant.allUsers().map((user) => [user.id, user.methods.map((m) => m.id)]));
  const removed = new Map<string, string[]>();
  tenant.onChange(() => {
    for (const user of tenant.allUsers()) {
      const now = user.methods.map((m) => m.id);
      const before = last.get(user.id) ?? [];
      const gone = before.filter((id) => !now.includes(id));
      if (gone.length > 0) removed.set(user.id, [...(removed.get(user.id) ?? []), ...gone]);
      last.set(user.id, now);
    }
  });
  return (userId) => [...(removed.get(userId) ?? [])];
}
