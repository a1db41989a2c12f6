import { z } from "zod";
import type { KnownMfaState, PerUserMfaState } from "../../core/states.js";
import { DirectoryError } from "../errors.js";
import type { StateChangeResult } from "../port.js";
import { type BatchOutcome, runBatch } from "./batch.js";
import type { GraphHttp } from "./http.js";
import { userPath } from "./users.js";

/**
 * Per-user MFA state lives only in beta (`/beta/users/{id}/authentication/requirements`),
 * one user per request: bulk reads and writes go through `/beta/$batch`.
 */
const READ_PERMISSION = "Policy.Read.All";
const WRITE_PERMISSION = "Policy.ReadWrite.AuthenticationMethod";
const NOT_FOUND = "no such user";

// Unknown future values are kept as they are, to be shown, not refused.
const requirements = z.object({ perUserMfaState: z.string().min(1) });

function requirementsPath(userId: string): string {
  return `${userPath(userId)}/authentication/requirements`;
}

function stateOf(body: unknown): PerUserMfaState {
  const parsed = requirements.safeParse(body);
  if (!parsed.success) throw new DirectoryError("unexpected", "Graph answered without a perUserMfaState");
  return parsed.data.perUserMfaState;
}

export async function getMfaState(http: GraphHttp, userId: string): Promise<PerUserMfaState> {
  const response = await http.request({
    method: "GET",
    path: `/beta${requirementsPath(userId)}`,
    permission: READ_PERMISSION,
    notFound: NOT_FOUND,
  });
  return stateOf(response.body);
}

/** Writes, then always reads back: `enabled` may come back `enforced` for a registered user. */
export async function setMfaState(
  http: GraphHttp,
  userId: string,
  state: KnownMfaState,
): Promise<PerUserMfaState> {
  await http.request({
    method: "PATCH",
    path: `/beta${requirementsPath(userId)}`,
    body: { perUserMfaState: state },
    permission: WRITE_PERMISSION,
    notFound: NOT_FOUND,
  });
  return getMfaState(http, userId);
}

function readItem(id: string, userId: string) {
  return { id, method: "GET" as const, url: requirementsPath(userId) };
}

function stateFromOutcome(outcome: BatchOutcome | undefined): PerUserMfaState | DirectoryError {
  if (!outcome) return new DirectoryError("unexpected", "no answer for this user");
  if (!outcome.ok) return outcome.error;
  try {
    return stateOf(outcome.body);
  } catch (error) {
    return error as DirectoryError;
  }
}

export async function getMfaStates(
  http: GraphHttp,
  userIds: readonly string[],
): Promise<Map<string, PerUserMfaState | Error>> {
  const unique = [...new Set(userIds)];
  const outcomes = await runBatch(
    http,
    unique.map((userId, index) => readItem(String(index), userId)),
    { version: "beta", permission: READ_PERMISSION, notFound: NOT_FOUND },
  );
  return new Map(unique.map((userId, index) => [userId, stateFromOutcome(outcomes.get(String(index)))]));
}

export async function setMfaStates(
  http: GraphHttp,
  changes: ReadonlyArray<{ userId: string; state: KnownMfaState }>,
): Promise<StateChangeResult[]> {
  const writes = await runBatch(
    http,
    changes.map((change, index) => ({
      id: String(index),
      method: "PATCH" as const,
      url: requirementsPath(change.userId),
      body: { perUserMfaState: change.state },
    })),
    { version: "beta", permission: WRITE_PERMISSION, notFound: NOT_FOUND },
  );
  const written = changes.flatMap((change, index) =>
    writes.get(String(index))?.ok ? [readItem(String(index), change.userId)] : [],
  );
  const reads = await runBatch(http, written, {
    version: "beta",
    permission: READ_PERMISSION,
    notFound: NOT_FOUND,
  });
  return changes.map((change, index): StateChangeResult => {
    const write = writes.get(String(index));
    if (!write?.ok) {
      const error = write?.error ?? new DirectoryError("unexpected", "no answer for this user");
      return { userId: change.userId, ok: false, error: error.userMessage, ...statusOf(error) };
    }
    const state = stateFromOutcome(reads.get(String(index)));
    if (state instanceof DirectoryError) {
      return {
        userId: change.userId,
        ok: false,
        error: `the change was accepted, but reading the state back failed: ${state.userMessage}`,
        ...statusOf(state),
        // Worth reading again after an outage; the write itself need not be repeated.
        ...(state.kind === "unavailable" ? { written: true as const } : {}),
      };
    }
    return { userId: change.userId, ok: true, state };
  });
}

function statusOf(error: DirectoryError): { status?: number; unavailable?: true } {
  return {
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.kind === "unavailable" ? { unavailable: true as const } : {}),
  };
}
