import type { TargetRef } from "../command.js";
import { GROUP_PREFIX, groupIdOf, groupRef, isGuid, normalizeUpn } from "../ids.js";
import { Failure, quoted } from "./failure.js";

// Slack ids are upper case; the bound keeps a hostile token from being treated as one.
const SLACK_USER = /^<@([UW][A-Z0-9]{1,30})(?:\|[^<>]*)?>$/;
const SLACK_USER_GROUP = /^<!subteam\^(S[A-Z0-9]{1,30})(?:\|[^<>]*)?>$/;
const BROADCAST = /^(?:<!(?:channel|here|everyone)(?:\|[^<>]*)?>|@(?:channel|here|everyone))$/i;
// Slack auto-links typed emails as <mailto:a@b.com|a@b.com>.
const MAILTO = /^<mailto:([^|<>]*)(?:\|[^<>]*)?>$/i;

const NOT_A_USER = "is not a user: use @mention, an email/UPN or an object id";
const NOT_A_TARGET = "is not a user or group: use @mention, an email/UPN, an object id, @group or group:ID";
const BROADCAST_REFUSED = "@channel, @here and @everyone cannot be targets";

type Classified = TargetRef | Failure | undefined;

/** A TargetRef, a Failure with a specific reason, or undefined when the token is no kind of target. */
export function readTarget(token: string): Classified {
  if (BROADCAST.test(token)) return new Failure(BROADCAST_REFUSED);
  const slackUser = SLACK_USER.exec(token);
  if (slackUser) return { kind: "slackUser", id: slackUser[1]! };
  const slackGroup = SLACK_USER_GROUP.exec(token);
  if (slackGroup) return { kind: "slackUserGroup", id: slackGroup[1]! };
  if (isGuid(token)) return { kind: "objectId", id: token.toLowerCase() };
  if (token.slice(0, GROUP_PREFIX.length).toLowerCase() === GROUP_PREFIX) {
    const id = groupIdOf(token);
    if (id !== undefined) return { kind: "group", id };
    return new Failure(`${quoted(token)} needs an Entra group object id (a GUID) after "${GROUP_PREFIX}"`);
  }
  const mailto = MAILTO.exec(token);
  const upn = normalizeUpn(mailto ? mailto[1]! : token);
  if (upn !== undefined) return { kind: "upn", upn };
  return undefined;
}

export function isUserTarget(target: TargetRef): boolean {
  return target.kind === "slackUser" || target.kind === "upn" || target.kind === "objectId";
}

/** One user: a Slack mention, an email/UPN or an Entra object id. */
export function parseUser(token: string, verb: string): TargetRef | Failure {
  const target = readTarget(token);
  if (target instanceof Failure) return target;
  if (target === undefined) return new Failure(`${quoted(token)} ${NOT_A_USER}`);
  if (!isUserTarget(target)) return new Failure(`"${verb}" takes one user, not a group`);
  return target;
}

/** A user or a group, as `bulk enable` accepts them. */
export function parseTarget(token: string): TargetRef | Failure {
  const target = readTarget(token);
  if (target === undefined) return new Failure(`${quoted(token)} ${NOT_A_TARGET}`);
  return target;
}

/** The identity two targets share when they name the same thing as typed. */
export function targetKey(target: TargetRef): string {
  return target.kind === "upn" ? `upn:${target.upn}` : `${target.kind}:${target.id}`;
}

/** Targets in first-seen order, each once. */
export function uniqueTargets(targets: readonly TargetRef[]): TargetRef[] {
  const seen = new Set<string>();
  return targets.filter((target) => {
    const key = targetKey(target);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A readable form for messages; all but Slack user groups parse back to the same target. */
export function describeTarget(target: TargetRef): string {
  switch (target.kind) {
    case "upn":
      return target.upn;
    case "slackUser":
      return `<@${target.id}>`;
    case "slackUserGroup":
      return `slack group ${target.id}`;
    case "group":
      return groupRef(target.id);
    case "objectId":
      return target.id;
  }
}
