import type { AuditLog } from "../audit/audit-log.js";
import type { Policy } from "../config/policy.js";
import type { Directory } from "../directory/port.js";
import type { Logger } from "../log.js";
import type { NotifierRegistry } from "../notify/port.js";
import type { DigestStore } from "../operations/digests.js";
import type { DriftStore } from "../operations/drift-store.js";
import type { OperationStore } from "../operations/store.js";
import type { RequestQueue } from "../queue/queues.js";
import type { LinkStore } from "../signin/links.js";
import type { SignInStore } from "../signin/sign-in-store.js";

/** Everything a job handler needs; `src/cli.ts` builds it, tests build their own. */
export interface WorkerDeps {
  directory: Directory;
  policy: Policy;
  operations: OperationStore;
  /** The states the bot set, for the drift sweep. */
  drift: DriftStore;
  digests: DigestStore;
  audit: AuditLog;
  /** Chat accounts linked to Entra users by signing in. */
  links: LinkStore;
  /** One-time sign-in links (`link`, and refusals that offer one). */
  signIns: SignInStore;
  notifiers: NotifierRegistry;
  /** To enqueue follow-up jobs (apply after approval, reminders, timed re-enable). */
  queue: RequestQueue;
  logger: Logger;
  now: () => Date;
  settings: WorkerSettings;
  /**
   * Called between the steps of a long job (each step of a bulk); throws when this worker no
   * longer holds the job's lock, so that it stops before another worker's run writes beside it.
   */
  checkpoint?: () => void;
}

export interface WorkerSettings {
  /** Where users register their methods: Microsoft's own page for it (https://aka.ms/mfasetup). */
  setupUrl: string;
  /** Bulk progress is edited in place at most this often. */
  progressIntervalMs: number;
  /** Users read from the directory in parallel while gathering targets. */
  lookupConcurrency: number;
  /** How long similar notices (unreachable users, ignored reminders) gather before one message. */
  digestDelayMs: number;
  /**
   * After the bot changed a user's methods or state, their registration is read live (the
   * methods list) for this long: the registration report "may reflect a latency of up to a
   * few hours" (https://learn.microsoft.com/entra/identity/authentication/howto-authentication-methods-activity#limitations).
   * @defaultValue 360
   */
  liveRegistrationMinutes: number;
  /**
   * MFA_BOT_PUBLIC_URL: where `serve` answers `/auth/start`, for the sign-in links `link` hands
   * out. Undefined: linking is not set up, and `link` says so.
   * @defaultValue undefined
   */
  publicUrl: string | undefined;
  /**
   * How long an operation waits for Microsoft Graph to answer again (5xx, refused, timeouts
   * through every retry of the Graph client) before the users still waiting are reported failed.
   * @defaultValue 15
   */
  graphOutageMinutes: number;
  /**
   * First pause before trying Graph again after an outage is noticed; doubles up to 30 s.
   * @defaultValue 2_000
   */
  graphOutagePauseMs: number;
}

export const DEFAULT_WORKER_SETTINGS: WorkerSettings = {
  setupUrl: "https://aka.ms/mfasetup",
  progressIntervalMs: 3_000,
  lookupConcurrency: 8,
  digestDelayMs: 60_000,
  liveRegistrationMinutes: 360,
  publicUrl: undefined,
  graphOutageMinutes: 15,
  graphOutagePauseMs: 2_000,
};
