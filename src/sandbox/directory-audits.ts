import { randomUUID } from "node:crypto";

/**
 * The tenant's directory audit log, as Microsoft Graph serves it at
 * `GET /auditLogs/directoryAudits` (https://learn.microsoft.com/graph/api/directoryaudit-list;
 * the resource: https://learn.microsoft.com/graph/api/resources/directoryaudit). Only what the
 * sandbox does on an admin's behalf is logged here: a per-user MFA state changed "outside the
 * bot", as an admin would in the Entra admin center.
 */
export interface DirectoryAuditRecord {
  id: string;
  category: string;
  correlationId: string;
  result: "success";
  resultReason: string;
  activityDisplayName: string;
  activityDateTime: string;
  loggedByService: string;
  operationType: string;
  /** auditActivityInitiator: a user (or an app) that did it. */
  initiatedBy: {
    user: {
      id: string;
      displayName: string | null;
      userPrincipalName: string;
      ipAddress: string | null;
    } | null;
    app: null;
  };
  /** targetResource: the user changed, and the property with its old and new values. */
  targetResources: Array<{
    id: string;
    displayName: string | null;
    type: "User";
    userPrincipalName: string;
    modifiedProperties: Array<{ displayName: string; oldValue: string | null; newValue: string | null }>;
  }>;
  additionalDetails: Array<{ key: string; value: string }>;
}

export function mfaStateAudit(input: {
  at: Date;
  target: { id: string; upn: string; displayName?: string | undefined };
  by: { id: string; upn: string; displayName?: string | undefined };
  from: string;
  to: string;
}): DirectoryAuditRecord {
  return {
    id: randomUUID(),
    category: "UserManagement",
    correlationId: randomUUID(),
    result: "success",
    resultReason: "",
    activityDisplayName: "Update user",
    activityDateTime: input.at.toISOString(),
    loggedByService: "Core Directory",
    operationType: "Update",
    initiatedBy: {
      user: {
        id: input.by.id,
        displayName: input.by.displayName ?? null,
        userPrincipalName: input.by.upn,
        ipAddress: null,
      },
      app: null,
    },
    targetResources: [
      {
        id: input.target.id,
        displayName: input.target.displayName ?? null,
        type: "User",
        userPrincipalName: input.target.upn,
        // Values in the log are JSON text, as the admin center records them.
        modifiedProperties: [
          {
            displayName: "StrongAuthenticationRequirement",
            oldValue: JSON.stringify(input.from),
            newValue: JSON.stringify(input.to),
          },
        ],
      },
    ],
    additionalDetails: [],
  };
}
