import { z } from "zod";
import type { DirectoryAudit } from "../port.js";
import type { GraphHttp } from "./http.js";
import { collectPages } from "./paging.js";

/**
 * The directory audit log since a moment (https://learn.microsoft.com/graph/api/directoryaudit-list,
 * application permission AuditLog.Read.All): who changed which users, and when. Only what the
 * drift alerts need is read: the time, the activity, the initiator and the target users.
 */
const PERMISSION = "AuditLog.Read.All";

const auditSchema = z.object({
  activityDateTime: z.string(),
  activityDisplayName: z.string().nullish(),
  initiatedBy: z
    .object({
      user: z.object({ userPrincipalName: z.string().nullish(), id: z.string().nullish() }).nullish(),
      app: z.object({ displayName: z.string().nullish(), appId: z.string().nullish() }).nullish(),
    })
    .nullish(),
  targetResources: z
    .array(z.object({ id: z.string().nullish(), type: z.string().nullish() }).loose())
    .nullish(),
});

export async function directoryAudits(http: GraphHttp, since: Date): Promise<DirectoryAudit[]> {
  const filter = encodeURIComponent(`activityDateTime ge ${since.toISOString()}`);
  const records = await collectPages(
    http,
    {
      method: "GET",
      path: `/v1.0/auditLogs/directoryAudits?$filter=${filter}&$select=activityDateTime,activityDisplayName,initiatedBy,targetResources`,
      permission: PERMISSION,
    },
    auditSchema,
  );
  return records.map((r) => {
    const user = r.initiatedBy?.user;
    const app = r.initiatedBy?.app;
    const by = user?.userPrincipalName ?? user?.id ?? app?.displayName ?? app?.appId ?? undefined;
    return {
      at: r.activityDateTime,
      activity: r.activityDisplayName ?? "",
      ...(by ? { initiatedBy: by } : {}),
      targetUserIds: (r.targetResources ?? [])
        .filter((t) => (t.type ?? "User") === "User" && t.id)
        .map((t) => t.id!.toLowerCase()),
    };
  });
}
