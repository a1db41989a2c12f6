/**
 * What went wrong talking to the directory, as something a person can act on.
 * `kind` lets the worker decide (retry later, tell the admin to grant a permission, …);
 * `userMessage` is shown as it is in chat.
 */
export type DirectoryErrorKind =
  | "auth"
  | "badRequest"
  | "forbidden"
  | "notFound"
  | "conflict"
  | "throttled"
  | "unavailable"
  | "unexpected";

export interface DirectoryErrorDetails {
  status?: number;
  retryAfterMs?: number;
  graphCode?: string;
  /** Graph's `request-id`, for a support case with Microsoft. */
  requestId?: string;
  cause?: unknown;
}

export class DirectoryError extends Error {
  readonly kind: DirectoryErrorKind;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly graphCode?: string;
  readonly requestId?: string;
  readonly userMessage: string;

  constructor(kind: DirectoryErrorKind, userMessage: string, details: DirectoryErrorDetails = {}) {
    super(userMessage, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "DirectoryError";
    this.kind = kind;
    this.userMessage = userMessage;
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
    if (details.graphCode !== undefined) this.graphCode = details.graphCode;
    if (details.requestId !== undefined) this.requestId = details.requestId;
  }
}

export function isDirectoryError(error: unknown, kind?: DirectoryErrorKind): error is DirectoryError {
  return error instanceof DirectoryError && (kind === undefined || error.kind === kind);
}
