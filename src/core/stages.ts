import { z } from "zod";

/**
 * Staged bulk changes (README, "Safer rollouts"): pure rules for when a bulk stops to wait for
 * an approver's Continue. No I/O; the worker records results and asks these questions.
 */

/** What a bulk operation was told about stages when it was requested. */
export interface StagePlan {
  /** Apply this many users first, then wait for Continue. */
  canary?: number;
  /** Pause when the failure rate over the sliding window passes this (0..1). */
  maxFailureRate?: number;
}

export const pauseReasonSchema = z.enum(["canary", "failures"]);
export type PauseReason = z.infer<typeof pauseReasonSchema>;

/** Writes the failure rate is judged over: the most recent ones, once this many have landed. */
export const FAILURE_WINDOW = 20;

/**
 * The stages of a bulk changing `changes` users: the requested `--canary` wins; otherwise the
 * policy's canary applies to bulks of at least `minBulk`. A canary as large as the bulk is no
 * stage at all. The failure limit applies to every bulk when the policy sets one.
 */
export function stagesFor(
  policy: { minBulk: number; size: number; maxFailureRate: number } | undefined,
  requested: number | undefined,
  changes: number,
): StagePlan {
  const size = requested ?? (policy && changes >= policy.minBulk ? policy.size : undefined);
  return {
    ...(size !== undefined && size < changes ? { canary: size } : {}),
    ...(policy ? { maxFailureRate: policy.maxFailureRate } : {}),
  };
}

/**
 * Whether the latest writes (oldest first, `true` = failed) fail too often: over the last
 * FAILURE_WINDOW of them, the share of failures is above the limit. Fewer writes than the
 * window say nothing yet (two failures of the first three are no rate).
 */
export function failureRateExceeded(failed: readonly boolean[], maxFailureRate: number): boolean {
  if (failed.length < FAILURE_WINDOW) return false;
  const window = failed.slice(-FAILURE_WINDOW);
  return window.filter(Boolean).length / window.length > maxFailureRate;
}
