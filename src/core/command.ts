/**
 * The typed form of every command the bot understands, whatever platform it came from.
 * The grammar (grammar.ts) produces these; the engine and the worker consume them.
 */

/** Someone or something a command is about, as typed — resolved to Entra users by the worker. */
export type TargetRef =
  /** Slack mention `<@U123>` or `<@U123|name>`; resolved by the Slack adapter via users.info. */
  | { kind: "slackUser"; id: string }
  /** Slack user group `<!subteam^S123|@team>`; expanded by the Slack adapter. */
  | { kind: "slackUserGroup"; id: string }
  /** An email address or UPN, lower-cased (UPNs compare case-insensitively). */
  | { kind: "upn"; upn: string }
  /** `group:<entra-group-object-id>`: transitive members of an Entra group. */
  | { kind: "group"; id: string }
  /** An Entra user object id (a Teams mention carries one; a bare GUID also parses to this). */
  | { kind: "objectId"; id: string };

export type SingleUserVerb = "status" | "enable" | "disable" | "enforce" | "reregister" | "remind";

export type Command =
  | {
      verb: SingleUserVerb;
      target: TargetRef;
      reason?: string;
      /** `disable <user> for 4h`: re-enable after this many minutes. */
      forMinutes?: number;
    }
  | { verb: "bulk-enable"; targets: TargetRef[]; reason?: string }
  | { verb: "report"; reason?: string }
  | { verb: "convert"; mode: "plan" | "execute"; reason?: string }
  | { verb: "audit"; subject: { kind: "user"; target: TargetRef } | { kind: "operation"; id: string } }
  | { verb: "undo"; operationId: string; reason?: string }
  | { verb: "approve" | "reject"; approvalId: string; reason?: string }
  | { verb: "help"; topic?: string };

export type Verb = Command["verb"];

export type ParseResult = { ok: true; command: Command } | { ok: false; error: string; usage: string };
