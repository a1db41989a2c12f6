import { type Policy, parsePolicy } from "../config/policy.js";
import { SANDBOX_ACCOUNTS } from "../sandbox/default-seed.js";

/** The demo's policy: the sandbox's helpdesk, admin and manager, and its break-glass account protected. */
export function demoPolicy(): Policy {
  return parsePolicy(
    {
      roles: {
        helpdesk: [SANDBOX_ACCOUNTS.helpdesk.userPrincipalName],
        admin: [SANDBOX_ACCOUNTS.admin.userPrincipalName],
        approver: [SANDBOX_ACCOUNTS.manager.userPrincipalName],
      },
      protected: [SANDBOX_ACCOUNTS.breakglass.userPrincipalName],
      // Slack approvers would need a linked account; the console, which the demo is, acts as `as`.
      requireLinkedIdentity: ["approve"],
    },
    "(built-in demo policy)",
  );
}
