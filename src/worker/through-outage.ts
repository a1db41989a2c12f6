import type { KnownMfaState } from "../core/states.js";
import { realClock } from "../delivery/clock.js";
import type { StateChangeResult } from "../directory/port.js";
import type { WorkerDeps } from "./deps.js";

const LONGEST_PAUSE_MS = 30_000;

type Unavailable = Extract<StateChangeResult, { ok: false }>;

/**
 * Writes one step of a bulk, and rides out a Graph outage: users Graph could not be reached for
 * (5xx, refused, timed out — after the Graph client's own retries) are not reported failed; the
 * operation pauses, backing off, and tries them again until Graph answers. A user whose write was
 * accepted but not read back is only read again, never written a second time. Only when Graph has
 * not answered for `graphOutageMinutes` are the users still waiting reported failed, with the
 * reason. Between tries the job's checkpoint runs, so a worker that lost the job stops here.
 */
export async function setStatesThroughOutage(
  deps: WorkerDeps,
  changes: ReadonlyArray<{ userId: string; state: KnownMfaState }>,
  sleep: (ms: number) => Promise<void> = realClock.sleep,
): Promise<StateChangeResult[]> {
  const results = new Map<string, StateChangeResult>();
  let toWrite = [...changes];
  let toRead: string[] = [];
  let pausedSince: number | undefined;
  let gaveUp = false;
  for (let attempt = 0; toWrite.length + toRead.length > 0; attempt++) {
    if (attempt > 0) deps.checkpoint?.();
    const waiting: Unavailable[] = [];
    if (toWrite.length > 0) {
      for (const r of await deps.directory.setMfaStates(toWrite)) {
        if (!r.ok && r.unavailable) waiting.push(r);
        else results.set(r.userId, r);
      }
    }
    if (toRead.length > 0) {
      const states = await deps.directory.getMfaStates(toRead);
      for (const userId of toRead) {
        const state = states.get(userId);
        if (typeof state === "string") results.set(userId, { userId, ok: true, state });
        else
          waiting.push({
            userId,
            ok: false,
            unavailable: true,
            written: true,
            error: `the change was accepted, but reading the state back failed: ${state?.message ?? "no answer"}`,
          });
      }
    }
    if (waiting.length === 0) break;
    const now = deps.now().getTime();
    pausedSince ??= now;
    if (now - pausedSince >= deps.settings.graphOutageMinutes * 60_000) {
      for (const r of waiting) {
        results.set(r.userId, {
          ...r,
          error: `Microsoft Graph did not answer for ${deps.settings.graphOutageMinutes} min: ${r.error}`,
        });
      }
      deps.logger.error(
        { users: waiting.length },
        "Graph outage outlasted its budget: users reported failed",
      );
      gaveUp = true;
      break;
    }
    if (now === pausedSince) {
      deps.logger.warn(
        { users: waiting.length, error: waiting[0]?.error },
        "Microsoft Graph unavailable: the operation pauses until it answers",
      );
    }
    const byId = new Map(changes.map((c) => [c.userId, c]));
    toWrite = waiting.filter((r) => !r.written).flatMap((r) => byId.get(r.userId) ?? []);
    toRead = waiting.filter((r) => r.written).map((r) => r.userId);
    await sleep(Math.min(deps.settings.graphOutagePauseMs * 2 ** attempt, LONGEST_PAUSE_MS));
  }
  if (pausedSince !== undefined && !gaveUp)
    deps.logger.info("Microsoft Graph answers again: the operation goes on");
  return changes.flatMap((c) => results.get(c.userId) ?? []);
}
