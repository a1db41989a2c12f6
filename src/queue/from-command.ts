import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { Command, CommandOf, TargetRef } from "../core/command.js";
import { canonicalAddress } from "../core/ids.js";
import { type ArgumentKind, type DecisionVerb, VERBS, type VerbTaking } from "../core/verbs.js";
import type { ReplyAddress } from "../notify/port.js";
import type { DecisionJob, DirectoryTarget, JobCommand, RequestJob } from "./jobs.js";
import { decisionJobSchema, type requesterSchema, requestJobSchema } from "./jobs.js";

/** Who sends a command, as the platform vouches for them (the job's `requester`). */
export type Requester = z.infer<typeof requesterSchema>;

/**
 * Turns a chat platform's own targets (Slack mentions and user groups, Teams mentions)
 * into directory targets. Each adapter supplies one; plain UPNs, object ids and
 * `group:` targets pass through unchanged.
 */
export type ChatTargetResolver = (target: TargetRef) => Promise<DirectoryTarget[]>;

export type JobBuildResult = { ok: true; job: RequestJob | DecisionJob } | { ok: false; error: string };

export function directTarget(target: TargetRef): DirectoryTarget | null {
  switch (target.kind) {
    case "upn":
      return { kind: "upn", upn: target.upn };
    case "objectId":
      return { kind: "objectId", id: target.id };
    case "group":
      return { kind: "group", id: target.id };
    default:
      return null;
  }
}

async function resolve(target: TargetRef, chat: ChatTargetResolver): Promise<DirectoryTarget[]> {
  const direct = directTarget(target);
  return direct ? [direct] : chat(target);
}

/**
 * Builds the job for a parsed command. Resolution errors (a mention whose email cannot
 * be read) come back as `{ ok: false }` with a sentence for the user; the job is
 * validated with the same schema the worker uses, so nothing malformed is enqueued.
 */
export async function buildJob(
  command: Command,
  requester: Requester,
  replyTo: ReplyAddress,
  chat: ChatTargetResolver,
  requestId: string = randomUUID(),
): Promise<JobBuildResult> {
  if (isDecision(command)) {
    const job: DecisionJob = {
      kind: "decision",
      requestId,
      approvalId: command.approvalId,
      decision: command.verb,
      decider: requester,
      replyTo,
      ...(command.reason ? { reason: command.reason } : {}),
    };
    return validated(decisionJobSchema.safeParse(job));
  }
  const kind = VERBS[command.verb].args;
  if (kind === "approval") return { ok: false, error: "a decision is not a request" };
  let jobCommand: JobCommand;
  try {
    jobCommand = await toJobCommand(kind, command, chat);
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  const job: RequestJob = {
    kind: "request",
    requestId,
    requester,
    replyTo,
    command: jobCommand,
    receivedAt: new Date().toISOString(),
  };
  return validated(requestJobSchema.safeParse(job));
}

function isDecision(command: Command): command is CommandOf<DecisionVerb> {
  return VERBS[command.verb].args === "approval";
}

type RequestKind = Exclude<ArgumentKind, "approval">;
type Resolver<K extends RequestKind> = (
  command: CommandOf<VerbTaking<K>>,
  chat: ChatTargetResolver,
) => Promise<JobCommand>;

function takes<K extends ArgumentKind>(command: Command, kind: K): command is CommandOf<VerbTaking<K>> {
  return VERBS[command.verb].args === kind;
}

/** How each kind of argument reaches the worker: chat mentions resolved, the rest as typed. */
const RESOLVERS: { [K in RequestKind]: Resolver<K> } = {
  user: async (command, chat) => ({ ...command, target: await single(command.target, chat) }),
  targets: async (command, chat) => {
    const resolved = (await Promise.all(command.targets.map((t) => resolve(t, chat)))).flat();
    return { ...command, targets: dedupe(resolved) };
  },
  auditSubject: async (command, chat) =>
    command.subject.kind === "operation"
      ? { verb: command.verb, subject: command.subject }
      : { verb: command.verb, subject: { kind: "user", target: await single(command.subject.target, chat) } },
  none: async (command) => command,
  convertMode: async (command) => command,
  operation: async (command) => command,
  topic: async (command) => command,
};

async function toJobCommand<K extends RequestKind>(
  kind: K,
  command: Command,
  chat: ChatTargetResolver,
): Promise<JobCommand> {
  if (!takes(command, kind)) throw new Error(`"${command.verb}" is not read as ${kind}`);
  return RESOLVERS[kind](command, chat);
}

async function single(target: TargetRef, chat: ChatTargetResolver): Promise<DirectoryTarget> {
  const resolved = await resolve(target, chat);
  if (resolved.length !== 1 || !resolved[0]) {
    throw new Error("this command takes one user, and that names a group: use `bulk enable` for groups");
  }
  return resolved[0];
}

function dedupe(targets: DirectoryTarget[]): DirectoryTarget[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = t.kind === "upn" ? `upn:${canonicalAddress(t.upn)}` : `${t.kind}:${t.id.toLowerCase()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function validated(
  parsed:
    | { success: true; data: RequestJob | DecisionJob }
    | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } },
): JobBuildResult {
  if (parsed.success) return { ok: true, job: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    error: `the request is not valid (${issue?.path.join(".") || "input"}: ${issue?.message ?? "invalid"})`,
  };
}
