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

/**
 * Whether a second attempt can help, per kind. Throttling and outages pass; what a person
 * must fix (a permission, the input, a missing user) does not.
 */
const RETRYABLE: Readonly<Record<DirectoryErrorKind, boolean>> = {
  auth: false,
  badRequest: false,
  forbidden: false,
  notFound: false,
  conflict: false,
  throttled: true,
  unavailable: true,
  unexpected: true,
};

/** An error that says of itself that retrying cannot help (a message a platform will never take). */
export interface FinalError extends Error {
  readonly final: true;
}

/**
 * The one retry-or-stop decision for a failed job: final when retrying cannot help, so the job
 * ends now and whoever asked is told; anything else (Graph 5xx, a chat platform or Redis
 * hiccup) is retried.
 */
export function isFinal(error: unknown): boolean {
  if (error instanceof DirectoryError) return !RETRYABLE[error.kind];
  return error instanceof Error && "final" in error && error.final === true;
}

export function isDirectoryError(error: unknown, kind?: DirectoryErrorKind): error is DirectoryError {
  return error instanceof DirectoryError && (kind === undefined || error.kind === kind);
}
