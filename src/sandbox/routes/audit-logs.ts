import type { DirectoryAuditRecord } from "../directory-audits.js";
import { listResponse } from "./query.js";
import { badRequest, type Route } from "./types.js";

/**
 * `GET /auditLogs/directoryAudits` (https://learn.microsoft.com/graph/api/directoryaudit-list):
 * application permission AuditLog.Read.All (Directory.Read.All is listed too); newest first;
 * `activityDateTime` filters with `eq`, `ge` and `le`
 * (https://learn.microsoft.com/graph/api/resources/directoryaudit). The sandbox takes those,
 * alone or joined with `and`; any other filter is a 400, as a filter Graph cannot apply is.
 */
const PROPERTIES = [
  "id",
  "category",
  "correlationId",
  "result",
  "resultReason",
  "activityDisplayName",
  "activityDateTime",
  "loggedByService",
  "operationType",
  "initiatedBy",
  "targetResources",
  "additionalDetails",
] as const;

const CLAUSE = /^activityDateTime\s+(eq|ge|le)\s+(\S+)$/i;

function timeFilter(filter: string): ((record: DirectoryAuditRecord) => boolean) | Error {
  const tests: Array<(at: number) => boolean> = [];
  for (const clause of filter.split(/\s+and\s+/i)) {
    const match = CLAUSE.exec(clause.trim());
    const at = match ? Date.parse(match[2]!.replace(/^'|'$/g, "")) : Number.NaN;
    if (!match || Number.isNaN(at)) return new Error(`Invalid filter clause: ${clause.trim()}`);
    const op = match[1]!.toLowerCase();
    tests.push(op === "eq" ? (t) => t === at : op === "ge" ? (t) => t >= at : (t) => t <= at);
  }
  return (record) => tests.every((test) => test(Date.parse(record.activityDateTime)));
}

export const auditLogRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/auditLogs/directoryAudits",
    versions: ["v1.0", "beta"],
    permissions: ["AuditLog.Read.All", "Directory.Read.All"],
    handle: (request, _params, context) => {
      const filter = request.query.get("$filter");
      const test = filter ? timeFilter(filter) : () => true;
      if (test instanceof Error) return badRequest(test.message);
      const records = context.tenant.directoryAudits.filter(test).reverse();
      // The time filter is applied here; the shared list helper pages and selects.
      const query = new URLSearchParams(request.query);
      query.delete("$filter");
      const response = listResponse({ ...request, query }, context, records, (r) => ({ ...r }), {
        contextFragment: "auditLogs/directoryAudits",
        countNeedsConsistencyLevel: false,
        properties: PROPERTIES,
      });
      // The next page must filter as this one did.
      const body = response.body as Record<string, unknown> | undefined;
      const next = body?.["@odata.nextLink"];
      if (filter && typeof next === "string") {
        body!["@odata.nextLink"] = `${next}&$filter=${encodeURIComponent(filter)}`;
      }
      return response;
    },
  },
];
