import { describe, expect, it } from "vitest";
import { parsePolicy } from "../../src/config/policy.js";
import { isProtected, needsGroupLookup, roleGroupIds, rolesFor } from "../../src/config/roles.js";

const HELPDESK_GROUP = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
const APPROVER_GROUP = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

const policy = parsePolicy(
  {
    roles: {
      helpdesk: ["Helpdesk@Contoso.com", `group:${HELPDESK_GROUP}`, "admin@contoso.com"],
      admin: ["admin@contoso.com"],
      approver: ["manager@contoso.com", `group:${APPROVER_GROUP.toUpperCase()}`, "admin@contoso.com"],
    },
    protected: ["BreakGlass@contoso.com"],
  },
  "test",
);
const upnOnly = parsePolicy({ roles: { admin: ["admin@contoso.com"] } }, "test");

describe("rolesFor", () => {
  it("matches UPNs case-insensitively", () => {
    expect(rolesFor(policy, "HELPDESK@contoso.COM", [])).toEqual(["helpdesk"]);
    expect(rolesFor(policy, " manager@contoso.com ", [])).toEqual(["approver"]);
  });

  it("adds up every role a user holds, in ROLES order", () => {
    expect(rolesFor(policy, "admin@contoso.com", [])).toEqual(["helpdesk", "admin", "approver"]);
  });

  it("grants roles through group membership, comparing ids case-insensitively", () => {
    expect(rolesFor(policy, "someone@contoso.com", [HELPDESK_GROUP.toUpperCase()])).toEqual(["helpdesk"]);
    expect(
      rolesFor(policy, "someone@contoso.com", ["11111111-1111-1111-1111-111111111111", APPROVER_GROUP]),
    ).toEqual(["approver"]);
    expect(rolesFor(policy, "manager@contoso.com", [HELPDESK_GROUP])).toEqual(["helpdesk", "approver"]);
  });

  it("gives nobody a role by default", () => {
    expect(rolesFor(policy, "someone@contoso.com", [])).toEqual([]);
    expect(rolesFor(policy, "", [])).toEqual([]);
  });

  it("does not let a UPN that looks like a group entry match it", () => {
    expect(rolesFor(policy, `group:${HELPDESK_GROUP}`, [])).toEqual([]);
  });
});

describe("isProtected", () => {
  it("matches protected UPNs case-insensitively and nothing else", () => {
    expect(isProtected(policy, "breakglass@CONTOSO.com")).toBe(true);
    expect(isProtected(policy, "admin@contoso.com")).toBe(false);
    expect(isProtected(upnOnly, "breakglass@contoso.com")).toBe(false);
  });
});

describe("group lookups", () => {
  it("are needed only when a role names a group", () => {
    expect(needsGroupLookup(policy)).toBe(true);
    expect(needsGroupLookup(upnOnly)).toBe(false);
  });

  it("list each group id once, lower-cased", () => {
    expect(roleGroupIds(policy)).toEqual([HELPDESK_GROUP, APPROVER_GROUP]);
    expect(roleGroupIds(upnOnly)).toEqual([]);
  });
});
