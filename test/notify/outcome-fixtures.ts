import type { ApprovalView, Outcome } from "../../src/notify/outcome.js";
import {
  APPROVAL_SECTION_TITLES,
  actionLabel,
  approvalTitle,
  pauseWords,
  quorumLine,
  STATE_LABELS,
} from "../../src/notify/words.js";

/**
 * One outcome of every kind, for every platform's tests: the renderers' own tests and the
 * Notifier contract (test/notify/contract) read the same fixtures, so a platform that words
 * something its own way shows up as a failing contract, not as a quiet difference.
 */

export const approvalView = (overrides: Partial<ApprovalView> = {}): ApprovalView => ({
  id: "k3m9p2xq",
  action: "enable",
  bulk: true,
  requester: "admin@contoso.com",
  reason: "Q3 rollout",
  createdAt: "2024-05-01T14:03:00.000Z",
  expiresAt: "2024-05-02T14:03:00.000Z",
  status: "pending",
  operationStatus: "pending",
  counts: { change: 2, noop: 1, refused: 1, notFound: 1, reregistrationNeeded: 1 },
  changes: {
    users: [{ upn: "alice@contoso.com", displayName: "Alice Smith" }, { upn: "bob@contoso.com" }],
    more: 0,
  },
  unchanged: { users: [{ upn: "carol@contoso.com", reason: "already enabled" }], more: 0 },
  refused: { users: [{ ref: "breakglass@contoso.com", reason: "protected account" }], more: 0 },
  notFound: { refs: ["nobody@contoso.com"], more: 0 },
  approvalReasons: ["policy: bulk needs approval"],
  warnings: ["bob@contoso.com must re-register"],
  ...overrides,
});

/** A bulk approval too long for one card: `allNames` carries everyone. */
export function bulkApprovalView(names: readonly string[], notFound: readonly string[] = []): ApprovalView {
  return approvalView({
    counts: { change: names.length, noop: 0, refused: 0, notFound: notFound.length, reregistrationNeeded: 0 },
    changes: { users: names.slice(0, 10).map((upn) => ({ upn })), more: Math.max(0, names.length - 10) },
    unchanged: { users: [], more: 0 },
    refused: { users: [], more: 0 },
    notFound: { refs: [...notFound], more: 0 },
    approvalReasons: [],
    warnings: [],
    allNames: { change: [...names], unchanged: [], refused: [], notFound: [...notFound] },
  });
}

/** The card once manager@contoso.com approved it and the apply finished. */
export function decided(view: ApprovalView, decidedAt: string, outcomeText: string): Outcome {
  return {
    kind: "approval",
    approval: {
      ...view,
      status: "approved",
      operationStatus: "done",
      decidedBy: "manager@contoso.com",
      decidedAt,
      outcomeText,
    },
  };
}

export const OUTCOMES: { [K in Outcome["kind"]]: Extract<Outcome, { kind: K }> } = {
  text: { kind: "text", tone: "error", text: "you may not do that" },
  status: {
    kind: "status",
    user: { id: "u1", upn: "alice@contoso.com", displayName: "Alice Smith" },
    state: "enabled",
    registration: { isMfaRegistered: false, methods: [], defaultMethod: null },
    reregistrationNeeded: true,
    isProtected: false,
    coverage: { covered: false, by: [], notes: ["security defaults are off"] },
    pendingApprovals: ["k3m9p2xq"],
    lastChange: {
      operationId: "abcdefgh",
      at: "2024-05-01T10:00:00Z",
      actor: "admin@contoso.com",
      from: "disabled",
      to: "enabled",
      action: "enable",
    },
  },
  change: {
    kind: "change",
    operationId: "abcdefgh",
    action: "enable",
    results: [
      {
        upn: "alice@contoso.com",
        from: "disabled",
        requested: "enabled",
        now: "enforced",
        ok: true,
        flags: [],
      },
      {
        upn: "bob@contoso.com",
        from: "disabled",
        requested: "enabled",
        ok: false,
        error: "403 from Graph",
        flags: [],
      },
    ],
    unchanged: [],
    refused: [],
    notFound: [],
    warnings: [],
  },
  approval: {
    kind: "approval",
    approval: approvalView({ quorum: { needed: 2, approvedBy: ["manager@contoso.com"] } }),
  },
  progress: { kind: "progress", operationId: "abcdefgh", action: "enable", done: 40, total: 160, failed: 2 },
  drift: {
    kind: "drift",
    user: { id: "00000000-0000-0000-0000-000000000001", upn: "alice@contoso.com" },
    set: "enabled",
    operationId: "abcdefgh",
    setAt: "2024-05-01T10:00:00Z",
    now: "disabled",
    changedBy: "admin@contoso.com",
    changedAt: "2024-05-02T09:00:00Z",
  },
  paused: {
    kind: "paused",
    operationId: "abcdefgh",
    action: "enable",
    reason: "failures",
    done: 40,
    failed: 9,
    total: 160,
    failures: { users: [{ upn: "bob@contoso.com", reason: "Graph answered HTTP 500" }], more: 8 },
    maxFailureRate: 0.1,
    expiresAt: "2024-05-02T14:03:00.000Z",
  },
  summary: {
    kind: "summary",
    operationId: "abcdefgh",
    action: "enable",
    changed: [{ upn: "alice@contoso.com", now: "enabled" }],
    unchanged: [{ upn: "carol@contoso.com", reason: "already enabled" }],
    failed: [{ upn: "bob@contoso.com", reason: "throttled" }],
    reregistrationNeeded: ["alice@contoso.com"],
    notFound: ["nobody@contoso.com"],
    refused: [],
  },
  report: {
    kind: "report",
    counts: { disabled: 10, enabled: 3, enforced: 5 },
    total: 18,
    registration: { registered: 14, notRegistered: 4, unknown: 0 },
    enabledUnregistered: ["alice@contoso.com"],
    enabledUnregisteredTotal: 1,
    csv: { filename: "mfa-report-2024-05-01.csv", lines: 19 },
  },
  audit: {
    kind: "audit",
    subject: "alice@contoso.com",
    entries: [
      {
        at: "2024-05-01T10:00:00Z",
        operationId: "abcdefgh",
        actor: "admin@contoso.com",
        action: "enable",
        target: "alice@contoso.com",
        before: "disabled",
        after: "enabled",
        result: "ok",
      },
    ],
  },
  convertPlan: {
    kind: "convertPlan",
    perUserCount: 12,
    covered: true,
    coveredBy: ["Require MFA for all users"],
    notes: [],
    uncovered: [],
    excludedByRole: ["admin@contoso.com"],
    guests: ["kim_fabrikam.com#ext#@contoso.com"],
    securityDefaultsOnly: ["bob@contoso.com"],
  },
  registerReminder: {
    kind: "registerReminder",
    upn: "alice@contoso.com",
    setupUrl: "https://aka.ms/mfasetup",
    attempt: 0,
  },
};

/**
 * What a person must be able to read in each outcome, on every platform: the facts, in the
 * shared words (src/notify/words.ts).
 */
export const MUST_SAY: { [K in Outcome["kind"]]: readonly string[] } = {
  text: ["you may not do that"],
  status: ["alice@contoso.com", STATE_LABELS.enabled],
  change: [
    actionLabel("enable"),
    "alice@contoso.com",
    STATE_LABELS.disabled,
    STATE_LABELS.enforced,
    "bob@contoso.com",
    "403 from Graph",
  ],
  approval: [
    approvalTitle(OUTCOMES.approval.approval),
    "admin@contoso.com",
    APPROVAL_SECTION_TITLES.change,
    "alice@contoso.com",
    APPROVAL_SECTION_TITLES.refused,
    "breakglass@contoso.com",
    APPROVAL_SECTION_TITLES.notFound,
    "nobody@contoso.com",
    quorumLine({ needed: 2, approvedBy: ["manager@contoso.com"] }),
  ],
  progress: [actionLabel("enable"), "40", "160"],
  drift: ["alice@contoso.com", STATE_LABELS.enabled, STATE_LABELS.disabled, "admin@contoso.com"],
  paused: [
    pauseWords(OUTCOMES.paused).title,
    pauseWords(OUTCOMES.paused).detail,
    "bob@contoso.com",
    "continue abcdefgh",
  ],
  summary: [actionLabel("enable"), "alice@contoso.com", "bob@contoso.com", "throttled"],
  report: [STATE_LABELS.disabled, STATE_LABELS.enforced, "alice@contoso.com"],
  audit: ["alice@contoso.com", "admin@contoso.com"],
  convertPlan: ["12", "Require MFA for all users"],
  registerReminder: ["alice@contoso.com", "https://aka.ms/mfasetup"],
};
