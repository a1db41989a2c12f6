import { z } from "zod";
import type { ChangeAction } from "../core/actions.js";
import { HELP_SUMMARY } from "../core/grammar.js";
import type { PlanFlag } from "../core/plan-types.js";
import { isKnownMfaState, type KnownMfaState } from "../core/states.js";
import type { ApprovalStatus } from "../core/statuses.js";
import type { ApprovalView, Outcome } from "./outcome.js";

/**
 * What things are called, for every platform: Slack, Teams and the console only format these
 * (Block Kit, Adaptive Cards, text) and may decorate them (an icon, a colour), never reword
 * them. Each table is keyed by its vocabulary, so a new state, action, flag or status is a
 * compile error here until it has its words.
 */

/** Per-user MFA states as a person reads them (Microsoft's per-user MFA page names them so). */
export const STATE_LABELS: Readonly<Record<KnownMfaState, string>> = {
  disabled: "Disabled",
  enabled: "Enabled — waiting for registration",
  enforced: "Enforced",
};

/** A state's words; a value Graph adds later is shown as it comes, said to be unknown. */
export function stateLabel(state: string): string {
  return isKnownMfaState(state) ? STATE_LABELS[state] : `${state} (not a state the bot knows)`;
}

export const ACTION_LABELS: Readonly<Record<ChangeAction, string>> = {
  enable: "Enable MFA",
  disable: "Disable MFA",
  enforce: "Enforce MFA",
  reregister: "Require MFA re-registration",
  convert: "Convert to Conditional Access (turn per-user MFA off)",
  undo: "Undo",
};

export function actionLabel(action: ChangeAction): string {
  return ACTION_LABELS[action];
}

/** Follows the user's name: "alice@contoso.com must register their MFA methods again…". */
export const FLAG_LABELS: Readonly<Record<PlanFlag, string>> = {
  "reregistration-needed": "must register their MFA methods again; until then the state stays Enabled",
  "leaves-no-mfa": "will have no MFA at all: no Conditional Access policy or security defaults cover them",
  "security-defaults-only":
    "will be covered by security defaults only: security defaults only prompt when necessary, not at every sign-in",
  "legacy-apps-need-app-passwords": "legacy (non-browser) apps will need app passwords",
};

export function flagLabel(flag: PlanFlag): string {
  return FLAG_LABELS[flag];
}

export const APPROVAL_STATUS_LABELS: Readonly<Record<ApprovalStatus, string>> = {
  pending: "Approval needed",
  approved: "Approved",
  rejected: "Rejected",
  expired: "Expired",
  superseded: "Superseded",
};

export function approvalStatusLabel(status: ApprovalStatus): string {
  return APPROVAL_STATUS_LABELS[status];
}

/** `Alice Smith (alice@contoso.com)`, or the UPN alone when the name adds nothing. */
export function userLabel(user: { upn: string; displayName?: string | undefined }): string {
  return user.displayName && user.displayName.toLowerCase() !== user.upn.toLowerCase()
    ? `${user.displayName} (${user.upn})`
    : user.upn;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** What an approval asks for: "Enable MFA for 3 users". */
export function approvalTitle(approval: Pick<ApprovalView, "action" | "counts">): string {
  return `${actionLabel(approval.action)} for ${plural(approval.counts.change, "user")}`;
}

/** "1 of 2 approvals: manager@contoso.com", for a request that needs more than one approver. */
export function quorumLine(quorum: NonNullable<ApprovalView["quorum"]>): string {
  const k = quorum.approvedBy.length;
  return `${k} of ${quorum.needed} approvals${k > 0 ? `: ${quorum.approvedBy.join(", ")}` : ""}`;
}

/** The parts of an approval, in the order every platform shows them. */
export const approvalSectionSchema = z.enum(["change", "unchanged", "refused", "notFound"]);
export type ApprovalSectionKey = z.infer<typeof approvalSectionSchema>;
export const APPROVAL_SECTION_ORDER = approvalSectionSchema.options;

export const APPROVAL_SECTION_TITLES: Readonly<Record<ApprovalSectionKey, string>> = {
  change: "Will change",
  unchanged: "Unchanged",
  refused: "Refused",
  notFound: "Not found",
};

export interface ApprovalSection {
  key: ApprovalSectionKey;
  title: string;
  /** Who, and why where the plan says why. */
  entries: Array<{ name: string; reason?: string }>;
  /** How many more the view leaves out. */
  more: number;
}

const SECTION_CONTENT: Readonly<
  Record<ApprovalSectionKey, (a: ApprovalView) => Pick<ApprovalSection, "entries" | "more">>
> = {
  change: (a) => ({ entries: a.changes.users.map((u) => ({ name: userLabel(u) })), more: a.changes.more }),
  unchanged: (a) => ({
    entries: a.unchanged.users.map((u) => ({ name: userLabel(u), reason: u.reason })),
    more: a.unchanged.more,
  }),
  refused: (a) => ({
    entries: a.refused.users.map((u) => ({ name: u.ref, reason: u.reason })),
    more: a.refused.more,
  }),
  notFound: (a) => ({ entries: a.notFound.refs.map((ref) => ({ name: ref })), more: a.notFound.more }),
};

/** The approval's non-empty parts, in order, with their titles. */
export function approvalSections(a: ApprovalView): ApprovalSection[] {
  return APPROVAL_SECTION_ORDER.map((key) => ({
    key,
    title: APPROVAL_SECTION_TITLES[key],
    ...SECTION_CONTENT[key](a),
  })).filter((section) => section.entries.length > 0);
}

/**
 * The hint under a usage error: the list of commands as it is, or the one command's usage
 * after the platform's prefix (`/mfa `, `mfa `).
 */
export function usageHint(usage: string, prefix: string): { summary: boolean; text: string } {
  if (usage === HELP_SUMMARY) return { summary: true, text: usage };
  return { summary: false, text: `${prefix}${usage}` };
}

/**
 * The direct message a user gets after being enabled, and on each reminder. `link` is the
 * setup URL as the platform shows a link (Slack's `<url|label>`; the URL itself elsewhere).
 */
export function reminderWords(
  reminder: { upn: string; setupUrl: string; attempt: number; requestedBy?: string | undefined },
  link: string = reminder.setupUrl,
) {
  const again = reminder.attempt > 0;
  return {
    title: again ? "Reminder: set up multifactor authentication" : "Set up multifactor authentication",
    opening: again
      ? `Reminder: your account ${reminder.upn} still needs multi-factor authentication (MFA) set up.`
      : `Your account ${reminder.upn} is now enabled for multi-factor authentication (MFA).`,
    howTo: `Register a method (the Microsoft Authenticator app or a phone) at ${link}. It takes a few minutes; until you do, you will be asked to at your next sign-in.`,
    ...(reminder.requestedBy ? { requestedBy: `Requested by ${reminder.requestedBy}` } : {}),
  };
}

/** When the queue cannot take a request (Redis down): nothing happened, try again. */
export const NOT_QUEUED = {
  request: "The bot is temporarily unavailable, nothing was done — try again in a minute.",
  decision: "The bot is temporarily unavailable, nothing was decided — try again in a minute.",
} as const;

type ReportOutcome = Extract<Outcome, { kind: "report" }>;

/** The report's words, the same on every platform: counts by state, by registration, and the file. */
export function reportWords(o: ReportOutcome): { states: string; registration: string; file?: string } {
  const { registered, notRegistered, unknown } = o.registration;
  return {
    states: Object.entries(o.counts)
      .map(([state, n]) => `${stateLabel(state)} ${n}`)
      .join(", "),
    registration: `registered ${registered}, not registered ${notRegistered}${unknown ? `, unknown ${unknown}` : ""}`,
    ...(o.csv
      ? { file: `Every user is in ${o.csv.filename} (${plural(o.csv.lines - 1, "user row")} and a header).` }
      : {}),
  };
}
/** What a paused staged bulk says, on every platform (README, "Safer rollouts"). */
export function pauseWords(o: Extract<Outcome, { kind: "paused" }>): {
  title: string;
  detail: string;
  answer: string;
} {
  const applied = `${o.done} of ${o.total} users applied, ${o.failed} failed`;
  const title =
    o.reason === "canary"
      ? `${actionLabel(o.action)}: canary done, waiting for Continue`
      : `${actionLabel(o.action)}: paused, too many failures`;
  const why =
    o.reason === "failures" && o.maxFailureRate !== undefined
      ? ` More than ${Math.round(o.maxFailureRate * 100)}% of the latest writes failed.`
      : "";
  const answer = o.answered
    ? `${o.answered.verb === "continue" ? "Continued" : "Aborted"} by ${o.answered.by} at ${o.answered.at}.`
    : `An approver continues or aborts it by ${o.expiresAt} (continue ${o.operationId} / abort ${o.operationId}); after that the rest is not applied.`;
  return { title, detail: `${applied}.${why}`, answer };
}

export const STAGE_BUTTON_LABELS = { continue: "Continue", abort: "Abort" } as const;

/** A drift alert, on every platform: the user, the state the bot set, the state now, and who. */
export function driftWords(o: Extract<Outcome, { kind: "drift" }>): { title: string; lines: string[] } {
  return {
    title: `Per-user MFA changed outside the bot: ${o.user.upn}`,
    lines: [
      `The bot set ${stateLabel(o.set)} (operation ${o.operationId}, ${o.setAt}); it is now ${stateLabel(o.now)}.`,
      o.changedBy
        ? `Changed by ${o.changedBy} at ${o.changedAt ?? "an unknown time"} (directory audit log).`
        : "The directory audit log does not say who changed it.",
    ],
  };
}

/** `status`'s line for a user whose state differs from the one the bot last set. */
export function statusDriftLine(
  drift: { set: string; operationId: string; at: string },
  now: string,
): string {
  return `Changed outside the bot: the bot set ${stateLabel(drift.set)} (operation ${drift.operationId}, ${drift.at}); it is now ${stateLabel(now)}.`;
}
