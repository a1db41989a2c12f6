import { describe, expect, it } from "vitest";
import { REPORT_ONLY_CA_POLICY_ID, SANDBOX_ACCOUNTS } from "../../src/sandbox/index.js";
import { useSandboxes } from "./helpers.js";

const start = useSandboxes();

describe("Conditional Access and security defaults", () => {
  it("lists the report-only policy in Graph's shape", async () => {
    const client = await start();
    const reply = await client.get("/v1.0/identity/conditionalAccess/policies");
    expect(reply.status).toBe(200);
    expect(reply.body.value).toHaveLength(1);
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
