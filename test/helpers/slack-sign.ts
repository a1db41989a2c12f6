import { createHmac, randomBytes } from "node:crypto";

/**
 * Requests exactly as Slack sends them: form-encoded bodies (`payload=` JSON for
 * interactivity), signed with v0 HMAC-SHA256 over `v0:{timestamp}:{body}`.
 */

export function slackSignature(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", signingSecret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export function signedHeaders(
  signingSecret: string,
  body: string,
  timestamp: number = Math.floor(Date.now() / 1000),
): Record<string, string> {
  return {
    "content-type": "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": slackSignature(signingSecret, timestamp, body),
    "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
  };
}

export interface SlashCommandFields {
  command: string;
  text: string;
  userId: string;
  userName: string;
  teamId: string;
  teamDomain: string;
  channelId: string;
  channelName: string;
  responseUrl: string;
  triggerId: string;
  apiAppId: string;
}

/** A slash command body in the field order Slack uses. */
export function slashCommandBody(fields: Partial<SlashCommandFields> & { responseUrl: string }): string {
  const f: SlashCommandFields = {
    command: "/mfa",
    text: "",
    userId: "U0HELPDESK",
    userName: "helpdesk",
    teamId: "T0CONTOSO",
    teamDomain: "contoso",
    channelId: "C0HELPDESK",
    channelName: "it-helpdesk",
    triggerId: newTriggerId(),
    apiAppId: "A0MFABOT",
    ...fields,
  };
  return new URLSearchParams([
    ["token", "gIkuvaNzQIHg97ATvDxqgjtO"],
    ["team_id", f.teamId],
    ["team_domain", f.teamDomain],
    ["channel_id", f.channelId],
    ["channel_name", f.channelName],
    ["user_id", f.userId],
    ["user_name", f.userName],
    ["command", f.command],
    ["text", f.text],
    ["api_app_id", f.apiAppId],
    ["is_enterprise_install", "false"],
    ["response_url", f.responseUrl],
    ["trigger_id", f.triggerId],
  ]).toString();
}

export function newTriggerId(): string {
  return `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString("hex")}`;
}

export interface BlockActionFields {
  actionId: string;
  value: string;
  userId: string;
  userName?: string;
  teamId?: string;
  channelId?: string;
  responseUrl: string;
  messageTs?: string;
  triggerId?: string;
}

/** A block_actions payload as Slack posts it for a button click on a message. */
export function blockActionPayload(f: BlockActionFields): Record<string, unknown> {
  const teamId = f.teamId ?? "T0CONTOSO";
  const channelId = f.channelId ?? "C0APPROVALS";
  const messageTs = f.messageTs ?? "1700000000.000100";
  return {
    type: "block_actions",
    user: { id: f.userId, username: f.userName ?? "manager", name: f.userName ?? "manager", team_id: teamId },
    api_app_id: "A0MFABOT",
    token: "gIkuvaNzQIHg97ATvDxqgjtO",
    container: { type: "message", message_ts: messageTs, channel_id: channelId, is_ephemeral: false },
    trigger_id: f.triggerId ?? newTriggerId(),
    team: { id: teamId, domain: "contoso" },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channelId, name: "mfa-approvals" },
    message: { type: "message", ts: messageTs, text: "Approval needed", blocks: [] },
    state: { values: {} },
    response_url: f.responseUrl,
    actions: [
      {
        action_id: f.actionId,
        block_id: "mfa_approval",
        text: {
          type: "plain_text",
          text: f.actionId.endsWith("approve") ? "Approve" : "Reject",
          emoji: true,
        },
        value: f.value,
        style: f.actionId.endsWith("approve") ? "primary" : "danger",
        type: "button",
        action_ts: `${Math.floor(Date.now() / 1000)}.000200`,
      },
    ],
  };
}

/** Interactivity bodies are `payload=<url-encoded JSON>`. */
export function interactivityBody(payload: Record<string, unknown>): string {
  return new URLSearchParams([["payload", JSON.stringify(payload)]]).toString();
}

/** POSTs a signed body to the adapter's URL, as Slack would. */
export async function postSigned(
  url: string,
  signingSecret: string,
  body: string,
  options: { timestamp?: number; signature?: string } = {},
): Promise<{ status: number; text: string; json: unknown }> {
  const headers = signedHeaders(signingSecret, body, options.timestamp);
  if (options.signature !== undefined) headers["x-slack-signature"] = options.signature;
  const res = await fetch(url, { method: "POST", headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}
