import { describe, expect, it } from "vitest";
import {
  MEMBERS_CA_POLICY_ID,
  REPORT_ONLY_CA_POLICY_ID,
  SANDBOX_ACCOUNTS,
  SANDBOX_DIRECTORY_ROLES,
  SANDBOX_SAMPLE_USERS,
} from "../../src/sandbox/index.js";
import { useSandboxes } from "./helpers.js";

const start = useSandboxes();

describe("Conditional Access and security defaults", () => {
  it("lists the report-only and the enforcing policy in Graph's shape", async () => {
    const client = await start();
    const reply = await client.get("/v1.0/identity/conditionalAccess/policies");
    expect(reply.status).toBe(200);
    expect(reply.body.value.map((p: { id: string; state: string }) => [p.id, p.state])).toEqual([
      [REPORT_ONLY_CA_POLICY_ID, "enabledForReportingButNotEnforced"],
      [MEMBERS_CA_POLICY_ID, "enabled"],
    ]);
    expect(reply.body.value[0]).toMatchObject({
      id: REPORT_ONLY_CA_POLICY_ID,
      state: "enabledForReportingButNotEnforced",
      conditions: {
        users: { includeUsers: ["All"], excludeUsers: [SANDBOX_ACCOUNTS.breakglass.id] },
        applications: { includeApplications: ["All"] },
      },
      grantControls: { operator: "OR", builtInControls: ["mfa"] },
    });
  });

  it("lists a user's directory roles by template id, directly or through a group", async () => {
    const client = await start();
    const roles = (id: string) =>
      client.graph("GET", `/v1.0/users/${id}/transitiveMemberOf/microsoft.graph.directoryRole`, {
        headers: { ConsistencyLevel: "eventual" },
      });
    const admin = await roles(SANDBOX_SAMPLE_USERS.excludedByRole.id);
    expect(admin.status).toBe(200);
    expect(admin.body.value).toEqual([
      {
        "@odata.type": "#microsoft.graph.directoryRole",
        id: SANDBOX_DIRECTORY_ROLES.globalAdministrator.id,
        displayName: "Global Administrator",
        description: null,
        roleTemplateId: SANDBOX_DIRECTORY_ROLES.globalAdministrator.roleTemplateId,
      },
    ]);
    const helpdesk = await roles(SANDBOX_ACCOUNTS.helpdesk.id);
    expect(helpdesk.body.value.map((r: { roleTemplateId: string }) => r.roleTemplateId)).toEqual([
      SANDBOX_DIRECTORY_ROLES.helpdeskAdministrator.roleTemplateId,
    ]);
    expect((await roles(SANDBOX_SAMPLE_USERS.disabledUnregistered.id)).body.value).toEqual([]);
  });

  it("reports security defaults off, and on after the tenant changes", async () => {
    const client = await start();
    const path = "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy";
    const reply = await client.get(path);
    expect(reply.body).toMatchObject({
      id: "00000000-0000-0000-0000-000000000005",
      displayName: "Security Defaults",
      isEnabled: false,
    });
    client.sandbox.tenant.setSecurityDefaults(true);
    expect((await client.get(path)).body.isEnabled).toBe(true);
  });
});
