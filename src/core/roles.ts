/**
 * Roles add up (DESIGN.md): helpdesk may look; admin may also change and request;
 * approver may decide on requests. Nobody approves their own request (approvals module).
 */
export const ROLES = ["helpdesk", "admin", "approver"] as const;
export type Role = (typeof ROLES)[number];

/** What an action needs, named as the policy file's `requireApproval` names them. */
export const APPROVABLE_ACTIONS = ["enable", "bulk", "disable", "reregister", "convert", "undo"] as const;
export type ApprovableAction = (typeof APPROVABLE_ACTIONS)[number];

export interface Actor {
  /** Entra UPN, lower-cased. */
  upn: string;
  roles: readonly Role[];
}
