import { z } from "zod";

/**
 * Roles add up (README, "Commands"): helpdesk may look; admin may also change and request;
 * approver may decide on requests. Nobody approves their own request (approvals module).
 */
export const roleSchema = z.enum(["helpdesk", "admin", "approver"]);
export const ROLES = roleSchema.options;
export type Role = z.infer<typeof roleSchema>;

/**
 * What may need approval, named as the policy file's `requireApproval` names them. Each verb
 * that can need approval says which of these it answers to (verbs.ts).
 */
export const approvableActionSchema = z.enum(["enable", "bulk", "disable", "reregister", "convert", "undo"]);
export const APPROVABLE_ACTIONS = approvableActionSchema.options;
export type ApprovableAction = z.infer<typeof approvableActionSchema>;

export interface Actor {
  /** Entra UPN, lower-cased. */
  upn: string;
  roles: readonly Role[];
}
