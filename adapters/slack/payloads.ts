import { z } from "zod";
import { operationIdSchema } from "../../src/core/ids.js";
import { DECISION_ACTION_IDS, STAGE_ACTION_IDS } from "./action-ids.js";

/**
 * What we read from Slack's (signature-verified) payloads, and nothing more. A button click
 * is trusted for its approval id and who clicked; everything else the worker looks up.
 */

// Slack ids: T…, U…/W…, C…/G…/D…; bounded so a forged payload cannot smuggle text through.
const slackId = z.string().regex(/^[A-Z0-9]{2,40}$/, "not a Slack id");
const responseUrl = z.url({ protocol: /^https?$/ }).max(2048);
// Slack sends enterprise ids only for Enterprise Grid, and sometimes as "" or null otherwise.
const enterpriseId = z
  .string()
  .max(40)
  .nullish()
  .transform((v) => v || undefined);

export const slashCommandSchema = z.object({
  command: z.string().min(2).max(64),
  text: z.string().default(""),
  user_id: slackId,
  channel_id: slackId,
  team_id: slackId,
  enterprise_id: enterpriseId,
  trigger_id: z.string().min(1).max(256),
  response_url: responseUrl,
});
export type SlashCommandPayload = z.infer<typeof slashCommandSchema>;

export const approvalClickSchema = z.object({
  type: z.literal("block_actions"),
  user: z.object({ id: slackId, team_id: slackId.optional() }),
  team: z.object({ id: slackId, enterprise_id: enterpriseId }).nullish(),
  enterprise: z.object({ id: slackId }).nullish(),
  /** Unique per click: a redelivery of the same click carries the same one. */
  trigger_id: z.string().min(1).max(256).optional(),
  channel: z.object({ id: slackId }).nullish(),
  container: z.object({ channel_id: slackId.optional() }).nullish(),
  response_url: responseUrl.optional(),
  actions: z
    .array(
      z.object({
        action_id: z.enum([...Object.values(DECISION_ACTION_IDS), ...Object.values(STAGE_ACTION_IDS)]),
        value: operationIdSchema,
      }),
    )
    .min(1),
});
export type ApprovalClickPayload = z.infer<typeof approvalClickSchema>;
