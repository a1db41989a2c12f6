import { z } from "zod";
import { DirectoryError } from "../errors.js";

/** Graph's error envelope: `{"error":{"code":"…","message":"…","innerError":{…}}}`. */
const graphErrorBody = z.object({
  error: z.object({
    code: z.string().optional(),
    message: z.string().optional(),
  }),
});

export function graphErrorOf(body: unknown): { code?: string; message?: string } {
  const parsed = graphErrorBody.safeParse(body);
  return parsed.success ? parsed.data.error : {};
}

/** What the operation needs, so a failure can name it. */
export interface ErrorContext {
  /** The application permission the operation needs, named when Graph answers 403. */
  permission: string;
  /** What a 404 means for this operation, e.g. "no such user". */
  notFound?: string;
  retryAfterMs?: number;
  requestId?: string;
}

const NON_PREMIUM = "Authentication_RequestFromNonPremiumTenantOrB2CTenant";

/** Turns a non-2xx answer (a whole response or one $batch item) into a DirectoryError. */
export function errorFromResponse(status: number, body: unknown, context: ErrorContext): DirectoryError {
  const { code, message } = graphErrorOf(body);
  const details = {
    status,
    ...(code === undefined ? {} : { graphCode: code }),
    ...(context.requestId === undefined ? {} : { requestId: context.requestId }),
    ...(context.retryAfterMs === undefined ? {} : { retryAfterMs: context.retryAfterMs }),
  };
  const said = message ? ` (Graph said: ${message})` : "";
  if (status === 400) {
    return new DirectoryError(
      "badRequest",
      `Graph refused the request: ${message ?? code ?? "bad request"}`,
      details,
    );
  }
  if (status === 401) {
    return new DirectoryError(
      "auth",
      `Graph did not accept the app's token — check AZURE_TENANT_ID and that the app registration still exists${said}`,
      details,
    );
  }
  if (status === 403) {
    if (code === NON_PREMIUM) {
      return new DirectoryError(
        "forbidden",
        "the registration report needs an Entra ID P1 or P2 licence in this tenant",
        details,
      );
    }
    return new DirectoryError(
      "forbidden",
      `the app lacks ${context.permission} — grant it in Entra and give admin consent${said}`,
      details,
    );
  }
  if (status === 404) {
    return new DirectoryError("notFound", context.notFound ?? "not found in the directory", details);
  }
  if (status === 409) {
    return new DirectoryError(
      "conflict",
      `Graph reported a conflict: ${message ?? code ?? "conflict"}`,
      details,
    );
  }
  if (status === 429) {
    const wait =
      context.retryAfterMs === undefined ? "" : `; try again in ${Math.ceil(context.retryAfterMs / 1000)} s`;
    return new DirectoryError("throttled", `Microsoft Graph is throttling the app${wait}`, details);
  }
  if (status >= 500) {
    return new DirectoryError(
      "unavailable",
      `Microsoft Graph is unavailable (HTTP ${status}); try again later${said}`,
      details,
    );
  }
  return new DirectoryError("unexpected", `Graph answered HTTP ${status}${said}`, details);
}

export function isRetryableStatus(status: number): boolean {
  return status === 502 || status === 503 || status === 504;
}
