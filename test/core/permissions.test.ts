import { describe, expect, it } from "vitest";
import type { Verb } from "../../src/core/command.js";
import { authorize, type Permission, rolePermits } from "../../src/core/permissions.js";
import { ROLES, type Role } from "../../src/core/roles.js";

/**
 * The oracle, written from the README ("Commands": who may do what) rather than from the implementation:
 * "Roles add up: helpdesk may status, remind, report, audit; admin may also enable,
 * disable, reregister and request bulk, convert, undo; approver may approve or reject."
 */
const GRANTS: Record<Permission, readonly Role[] | "anyone"> = {
  help: "anyone",
  link: "anyone",
  unlink: "anyone",
  links: ["admin"],
  status: ["helpdesk", "admin"],
  remind: ["helpdesk", "admin"],
  report: ["helpdesk", "admin"],
  audit: ["helpdesk", "admin"],
  enable: ["admin"],
  disable: ["admin"],
  enforce: ["admin"],
  reregister: ["admin"],
  "bulk-enable": ["admin"],
  bulk: ["admin"],
  convert: ["admin"],
  undo: ["admin"],
  approve: ["approver"],
  reject: ["approver"],
  // A paused staged bulk is an approver's to continue or abort (README, "Safer rollouts").
  continue: ["approver"],
  abort: ["approver"],
};

const ROLE_SETS: Role[][] = [[]];
for (const role of ROLES) {
  for (const set of [...ROLE_SETS]) ROLE_SETS.push([...set, role]);
}

describe("rolePermits", () => {
  it("covers every verb of the command grammar", () => {
    const verbs: Verb[] = [
      "status",
      "enable",
      "disable",
      "enforce",
      "reregister",
      "remind",
      "bulk-enable",
      "report",
      "convert",
      "audit",
      "undo",
      "approve",
      "reject",
      "link",
      "unlink",
      "links",
      "help",
    ];
    for (const verb of verbs) expect(Object.keys(GRANTS)).toContain(verb);
  });

  for (const roles of ROLE_SETS) {
    for (const [permission, grant] of Object.entries(GRANTS) as [Permission, Role[] | "anyone"][]) {
      const expected = grant === "anyone" || roles.some((r) => grant.includes(r));
      it(`[${roles.join(",")}] ${expected ? "may" : "may not"} ${permission}`, () => {
        expect(rolePermits(roles, permission)).toBe(expected);
      });
    }
  }

  it("lets anyone read the help, even with no role at all", () => {
    expect(rolePermits([], "help")).toBe(true);
  });

  it("does not let an approver change states or an admin approve (separation of duties)", () => {
    expect(rolePermits(["approver"], "enable")).toBe(false);
    expect(rolePermits(["approver"], "status")).toBe(false);
    expect(rolePermits(["admin"], "approve")).toBe(false);
    expect(rolePermits(["admin", "helpdesk"], "reject")).toBe(false);
  });
});

describe("authorize", () => {
  it("says ok when a role permits the verb", () => {
    expect(authorize({ upn: "a@contoso.com", roles: ["admin"] }, "enable")).toEqual({ ok: true });
  });

  it("tells the user which role they need and how to get it", () => {
    expect(authorize({ upn: "h@contoso.com", roles: ["helpdesk"] }, "enable")).toEqual({
      ok: false,
      reason: "you need the admin role to enable MFA; ask an admin or get the role added to the policy file",
    });
  });

  it("names the approver role for approvals", () => {
    const verdict = authorize({ upn: "a@contoso.com", roles: ["admin"] }, "approve");
    expect(verdict.ok).toBe(false);
    if (!verdict.ok)
      expect(verdict.reason).toMatch(/^you need the approver role to approve requests; ask an approver/);
  });

  it("names the helpdesk role for look-ups", () => {
    const verdict = authorize({ upn: "x@contoso.com", roles: [] }, "status");
    expect(verdict.ok).toBe(false);
    if (!verdict.ok)
      expect(verdict.reason).toMatch(/^you need the helpdesk role to look up a user's MFA status/);
  });

  it("refuses every verb it does not permit with a sentence, never an empty reason", () => {
    for (const roles of ROLE_SETS) {
      for (const permission of Object.keys(GRANTS) as Permission[]) {
        const verdict = authorize({ upn: "x@contoso.com", roles }, permission);
        expect(verdict.ok).toBe(rolePermits(roles, permission));
        if (!verdict.ok)
          expect(verdict.reason).toMatch(/^you need the (helpdesk|admin|approver) role to .+; ask /);
      }
    }
  });
});
