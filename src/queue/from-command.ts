import { randomUUID } from "node:crypto";
import type { Command, TargetRef } from "../core/command.js";
import type { ReplyAddress } from "../notify/port.js";
import type { DecisionJob, DirectoryTarget, JobCommand, RequestJob } from "./jobs.js";
import { decisionJobSchema, requestJobSchema } from "./jobs.js";

export interface Requester {
  platform: ReplyAddress["platform"];
  chatUserId: string;
  upn: string;
}

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
  let jobCommand: JobCommand;
  try {
    jobCommand = await toJobCommand(command, chat);
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

type DecisionCommand = Extract<Command, { verb: "approve" | "reject" }>;

function isDecision(command: Command): command is DecisionCommand {
  return command.verb === "approve" || command.verb === "reject";
}

async function toJobCommand(
  command: Exclude<Command, DecisionCommand>,
  chat: ChatTargetResolver,
): Promise<JobCommand> {
  switch (command.verb) {
    case "bulk-enable": {
      const resolved = (await Promise.all(command.targets.map((t) => resolve(t, chat)))).flat();
      return { ...command, targets: dedupe(resolved) };
    }
    case "audit": {
      if (command.subject.kind === "operation") {
        return { verb: "audit", subject: { kind: "operation", id: command.subject.id } };
      }
      return {
        verb: "audit" as const,
        subject: { kind: "user" as const, target: await single(command.subject.target, chat) },
      };
    }
    case "status":
    case "enable":
    case "disable":
    case "enforce":
    case "reregister":
    case "remind":
      return { ...command, target: await single(command.target, chat) };
    case "report":
    case "convert":
    case "undo":
    case "help":
      return command;
  }
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
    const key = t.kind === "upn" ? `upn:${t.upn.toLowerCase()}` : `${t.kind}:${t.id.toLowerCase()}`;
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
