import type { PerUserMfaState } from "../core/states.js";

/**
 * One user's line of the `report`, as any data source produces it (the worker's directory
 * reads today; a streaming source tomorrow): the CSV, the counts and the charts are all built
 * from an `AsyncIterable<ReportRow>`, so the whole tenant never has to be held at once.
 */
export interface ReportRow {
  userPrincipalName: string;
  displayName: string;
  /** "unreadable" when Graph could not say. */
  perUserMfaState: PerUserMfaState | "unreadable";
  /** null: not known (no registration details could be read). */
  isMfaRegistered: boolean | null;
  methodsRegistered: readonly string[];
  defaultMethod: string | null;
  /** The registration report's `isAdmin` (holds an Entra admin role); null where it did not say. */
  isAdmin: boolean | null;
  /** The last change made through the bot, if any. */
  lastChange?: { actor: string; at: string } | undefined;
}

/** The CSV's columns, in order: the header line and each row's fields. */
export const REPORT_COLUMNS = [
  "userPrincipalName",
  "displayName",
  "perUserMfaState",
  "isMfaRegistered",
  "methodsRegistered",
  "defaultMethod",
  "isAdmin",
  "lastChangeBy",
  "lastChangeAt",
] as const;

const yesNo = (value: boolean | null): string => (value === null ? "" : String(value));

export function reportRowFields(row: ReportRow): string[] {
  return [
    row.userPrincipalName,
    row.displayName,
    row.perUserMfaState,
    yesNo(row.isMfaRegistered),
    // One field: a spreadsheet filters on it; ";" never appears in Graph's method names.
    row.methodsRegistered.join(";"),
    row.defaultMethod ?? "",
    yesNo(row.isAdmin),
    row.lastChange?.actor ?? "",
    row.lastChange?.at ?? "",
  ];
}
