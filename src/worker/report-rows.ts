import { canonicalAddress } from "../core/ids.js";
import type { ReportRow } from "../report/row.js";
import type { WorkerDeps } from "./deps.js";
import { readRegistrations } from "./gather-targets.js";

/** Users whose state, registration and last change are read together before their rows go out. */
const PAGE = 200;

/**
 * The report's data source: every user's row, a page of users at a time (states batched,
 * registrations from the report, last changes in one Redis round trip), so only a page of
 * details is held at once. Anything producing `AsyncIterable<ReportRow>` plugs in here.
 */
export async function* reportRows(deps: WorkerDeps): AsyncGenerator<ReportRow> {
  const users = await deps.directory.listUsers();
  for (let start = 0; start < users.length; start += PAGE) {
    const page = users.slice(start, start + PAGE);
    const ids = page.map((u) => u.id);
    const upns = page.map((u) => canonicalAddress(u.userPrincipalName));
    const [states, registrations, lastChanges] = await Promise.all([
      deps.directory.getMfaStates(ids),
      readRegistrations(deps, ids, "report"),
      deps.operations.lastChanges(upns),
    ]);
    for (const [i, user] of page.entries()) {
      const state = states.get(user.id);
      const registration = registrations?.get(user.id);
      const last = lastChanges.get(upns[i] ?? "");
      yield {
        userPrincipalName: user.userPrincipalName,
        displayName: user.displayName,
        perUserMfaState: typeof state === "string" ? state : "unreadable",
        isMfaRegistered: registration?.isMfaRegistered ?? null,
        methodsRegistered: registration?.methodsRegistered ?? [],
        defaultMethod: registration?.defaultMethod ?? null,
        isAdmin: registration?.isAdmin ?? null,
        lastChange: last ? { actor: last.actor, at: last.at } : undefined,
      };
    }
  }
}
