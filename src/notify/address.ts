import { z } from "zod";

/** The platforms the bot answers on; each has a Notifier (port.ts). */
export const platformSchema = z.enum(["console", "slack", "teams"]);
export type Platform = z.infer<typeof platformSchema>;

const id = z.string().min(1).max(256);

/**
 * Where an answer goes, in terms any platform's Notifier understands: a conversation
 * (Slack channel, Teams conversation, console session), the requester's chat user id
 * (for ephemeral answers), and platform extras (Slack `responseUrl`, Teams `serviceUrl`).
 */
export const replyAddressSchema = z.object({
  platform: platformSchema,
  conversation: id,
  user: id,
  extra: z.record(z.string(), z.string().max(4096)).default({}),
});
export type ReplyAddress = z.infer<typeof replyAddressSchema>;

/** A message that can be edited later (approval card, progress). */
export const messageRefSchema = z.object({
  platform: platformSchema,
  conversation: z.string(),
  messageId: z.string(),
  extra: z.record(z.string(), z.string()).default({}),
});
export type MessageRef = z.infer<typeof messageRefSchema>;
