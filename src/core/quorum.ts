import { CHANGE_ACTIONS, type ChangeAction } from "./actions.js";
import type { ApprovableAction } from "./roles.js";

/** The most approvers the policy may ask for one request (README, policy `quorum`). */
export const MAX_QUORUM = 5;

/**
 * How many distinct approvers a request needs: the largest `quorum` entry among the policy
 * names it answers to (a bulk disable answers to `bulk` and to `disable`, as for
 * `requireApproval`, so a stricter entry cannot be sidestepped by going through the other).
 * Absent entries count 1.
 */
export function quorumFor(
  quorum: Readonly<Partial<Record<ApprovableAction, number>>>,
  action: ChangeAction,
  bulk: boolean,
): number {
  const names = [bulk ? "bulk" : null, CHANGE_ACTIONS[action].policy].filter(
    (name): name is ApprovableAction => name !== null,
  );
  return Math.max(1, ...names.map((name) => quorum[name] ?? 1));
}
