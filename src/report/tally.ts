import type { ReportRow } from "./row.js";

/** How many Enabled-but-unregistered users a report names; the rest are counted (and in the CSV). */
export const NAMED_UNREGISTERED = 50;

/** What the report's message and charts show, counted as rows stream past. */
export interface ReportTally {
  total: number;
  /** By per-user state; disabled, enabled and enforced always present. */
  counts: Record<string, number>;
  registration: { registered: number; notRegistered: number; unknown: number };
  /** The first NAMED_UNREGISTERED of them, lower-cased UPNs. */
  enabledUnregistered: string[];
  enabledUnregisteredTotal: number;
}

export function emptyTally(): ReportTally {
  return {
    total: 0,
    counts: { disabled: 0, enabled: 0, enforced: 0 },
    registration: { registered: 0, notRegistered: 0, unknown: 0 },
    enabledUnregistered: [],
    enabledUnregisteredTotal: 0,
  };
}

export function countRow(tally: ReportTally, row: ReportRow): void {
  tally.total++;
  tally.counts[row.perUserMfaState] = (tally.counts[row.perUserMfaState] ?? 0) + 1;
  if (row.isMfaRegistered === null) tally.registration.unknown++;
  else if (row.isMfaRegistered) tally.registration.registered++;
  else tally.registration.notRegistered++;
  if (row.perUserMfaState === "enabled" && row.isMfaRegistered === false) {
    tally.enabledUnregisteredTotal++;
    if (tally.enabledUnregistered.length < NAMED_UNREGISTERED) {
      tally.enabledUnregistered.push(row.userPrincipalName.toLowerCase());
    }
  }
}
