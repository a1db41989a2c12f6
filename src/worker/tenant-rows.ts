import { isDirectoryError } from "../directory/errors.js";
import type { DirectoryUser, Registration } from "../directory/port.js";
import type { WorkerDeps } from "./deps.js";

/**
 * The data behind `report` and `convert plan`, as a stream: every user of the tenant with
 * their per-user MFA state and, when asked, their registration (the report's word for every
 * user it lists; read live for Enabled users it cannot vouch for) —
 * a page of up to 999 users at a time, so a 50,000-user tenant is never held in memory and an
 * output side can write row by row.
 *
 * With registration, the registration report's list leads (999 users a request; its limit is
 * 5 requests per 10 s, where one request per user would take a 50,000-user tenant 28 hours):
 * each of its pages gets its users' states (`$batch`es of identity reads, another budget)
 * while the next page is fetched. Users the report leaves out (disabled accounts, new users)
 * come after, from the users list; those it cannot vouch for (changed by the bot lately — the
 * report lags — or no report at all) are read live from their methods lists, in `$batch`es.
 * Only the ids already seen are kept.
 */
export interface TenantRow {
  user: DirectoryUser;
  /** Graph's state, or "unreadable" when its read failed. */
  state: string;
  /** For Enabled users when asked; undefined when it could not be read. */
  isMfaRegistered?: boolean;
  /** When asked: the registration details behind `isMfaRegistered`, where any were read. */
  registration?: Registration;
}

export async function* tenantRows(
  deps: WorkerDeps,
  options: { registration: boolean },
): AsyncGenerator<TenantRow[]> {
  const seen = new Set<string>();
  if (options.registration) {
    try {
      for await (const page of prefetched(deps.directory.registrationPages())) {
        const reported = new Map<string, Registration>();
        const users = page.map((row): DirectoryUser => {
          seen.add(row.userId.toLowerCase());
          reported.set(row.userId, row.registration);
          return { id: row.userId, userPrincipalName: row.userPrincipalName, displayName: row.displayName };
        });
        const rows = await withStates(deps, users);
        await addRegistration(deps, rows, reported);
        yield rows;
      }
    } catch (error) {
      // No report (no licence, or no permission for it): everyone comes from the users list.
      if (!isDirectoryError(error, "forbidden") || seen.size > 0) throw error;
    }
  }
  for await (const page of prefetched(deps.directory.userPages())) {
    const users = page.filter((user) => !seen.has(user.id.toLowerCase()));
    if (users.length === 0) continue;
    const rows = await withStates(deps, users);
    if (options.registration) await addRegistration(deps, rows, undefined);
    yield rows;
  }
}

async function withStates(deps: WorkerDeps, users: readonly DirectoryUser[]): Promise<TenantRow[]> {
  const states = await deps.directory.getMfaStates(users.map((u) => u.id));
  return users.map((user) => {
    const state = states.get(user.id);
    return { user, state: typeof state === "string" ? state : "unreadable" };
  });
}

/** Registration of the page's Enabled users: the report's word, or live where it cannot vouch. */
async function addRegistration(
  deps: WorkerDeps,
  rows: TenantRow[],
  reported: ReadonlyMap<string, Registration> | undefined,
): Promise<void> {
  // The report's details go on every row it lists (the CSV's columns); only Enabled users'
  // registration decides anything, so only theirs is read live where the report cannot vouch.
  for (const row of rows) {
    const details = reported?.get(row.user.id);
    if (details) row.registration = details;
  }
  const enabled = rows.filter((row) => row.state === "enabled");
  if (enabled.length === 0) return;
  const ids = enabled.map((row) => row.user.id);
  const changed = await deps.operations.registrationChangedRecently(ids);
  const live = ids.filter((id) => changed.has(id) || !reported?.has(id));
  const read = live.length > 0 ? await deps.directory.getRegistrations(live, { live: true }) : new Map();
  for (const row of enabled) {
    const details = changed.has(row.user.id)
      ? read.get(row.user.id)
      : (reported?.get(row.user.id) ?? read.get(row.user.id));
    if (details === undefined) {
      // A live read that failed: the report's stale word is no answer for a recent change.
      delete row.registration;
      continue;
    }
    row.registration = details;
    row.isMfaRegistered = details.isMfaRegistered;
  }
}

/** The next page is asked for while the caller works on this one. */
async function* prefetched<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const pages = source[Symbol.asyncIterator]();
  let next = pages.next();
  for (;;) {
    const current = await next;
    if (current.done) return;
    next = pages.next();
    // Surfaced when awaited on the next round; not an unhandled rejection meanwhile.
    next.catch(() => {});
    yield current.value;
  }
}
