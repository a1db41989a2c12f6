import { canonicalAddress } from "../core/ids.js";
import type { ReportRow } from "../report/row.js";
import type { WorkerDeps } from "./deps.js";
import { tenantRows } from "./tenant-rows.js";

/**
 * The report's data source: every user's row, a page of the tenant at a time from the
 * streaming tenant read (registration report leading, states alongside — see tenant-rows.ts),
 * with the page's last changes by the bot in one Redis round trip. Only a page is held at once.
 */
export async function* reportRows(deps: WorkerDeps): AsyncGenerator<ReportRow> {
  for await (const page of tenantRows(deps, { registration: true })) {
    const upns = page.map((row) => canonicalAddress(row.user.userPrincipalName));
    const lastChanges = await deps.operations.lastChanges(upns);
    for (const [i, { user, state, registration }] of page.entries()) {
      const last = lastChanges.get(upns[i] ?? "");
      yield {
        userPrincipalName: user.userPrincipalName,
        displayName: user.displayName,
        perUserMfaState: state,
        isMfaRegistered: registration?.isMfaRegistered ?? null,
        methodsRegistered: registration?.methodsRegistered ?? [],
        defaultMethod: registration?.defaultMethod ?? null,
        isAdmin: registration?.isAdmin ?? null,
        lastChange: last ? { actor: last.actor, at: last.at } : undefined,
      };
    }
  }
}
