import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Whose Graph calls these are. A person's command (status, a single change, an approval)
 * is `interactive`: it takes the next room in its class's budget. Bulk work (a bulk's
 * preview and apply, reminders, report, convert) is `bulk`: it only takes room that is
 * free now and never books the budget ahead, so a command that comes in during a
 * 10,000-user bulk waits for at most the next free slot, not for the bulk.
 *
 * The lane rides along the async call chain (the worker sets it per job), so the
 * Directory's call shape stays the same for every caller.
 */
export type GraphLane = "interactive" | "bulk";

const lanes = new AsyncLocalStorage<GraphLane>();

export function inGraphLane<T>(lane: GraphLane, run: () => T): T {
  return lanes.run(lane, run);
}

/** The lane of the current call chain; `interactive` unless set. */
export function currentGraphLane(): GraphLane {
  return lanes.getStore() ?? "interactive";
}
