import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DirectoryError } from "../../../src/directory/errors.js";
import type { GraphBudget } from "../../../src/directory/graph/throttle.js";
import { GRAPH, graphError, makeDirectory, mockToken } from "./graph-fakes.js";

interface BatchRequestItem {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}
interface BatchAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * Answers a $batch item by item, in reverse order (Graph promises no order), recording what
 * was sent. `envelope` is the batch's own status given its items' statuses: 200 always, or
 * 424 as a whole when an item was throttled (the older throttling guidance).
 */
function mockBatch(
  answer: (item: BatchRequestItem) => BatchAnswer,
  sent: BatchRequestItem[][],
  times = 1,
  envelope: (statuses: number[]) => number = () => 200,
) {
  let statuses: number[] = [];
  return nock(GRAPH)
    .post("/beta/$batch")
    .times(times)
    .reply((_uri, body) => {
      const requests = (body as { requests: BatchRequestItem[] }).requests;
      sent.push(requests);
      const responses = requests.map((item) => ({
        id: item.id,
        headers: { "Content-Type": "application/json" },
        ...answer(item),
      }));
      statuses = responses.map((response) => response.status);
      return [envelope(statuses), { responses: responses.reverse() }];
    });
}

const throttledAs424 = (statuses: number[]) => (statuses.includes(429) ? 424 : 200);

const userOf = (item: BatchRequestItem) => /^\/users\/([^/]+)\//.exec(item.url)![1]!;

beforeAll(() => nock.disableNetConnect());
beforeEach(() => {
  mockToken();
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe("single user", () => {
  it("reads the state and keeps an unknown future value as it is", async () => {
    nock(GRAPH)
      .get("/beta/users/u1/authentication/requirements")
      .reply(200, { perUserMfaState: "unknownFutureValue" });
    nock(GRAPH)
      .get("/beta/users/u2/authentication/requirements")
      .reply(200, { perUserMfaState: "somethingNew" });
    const { directory } = makeDirectory();
    expect(await directory.getMfaState("u1")).toBe("unknownFutureValue");
    expect(await directory.getMfaState("u2")).toBe("somethingNew");
  });

  it("writes, then reads back: enabled comes back enforced for a registered user", async () => {
    const patch = nock(GRAPH)
      .patch("/beta/users/u1/authentication/requirements", { perUserMfaState: "enabled" })
      .matchHeader("content-type", "application/json")
      .reply(204);
    const read = nock(GRAPH)
      .get("/beta/users/u1/authentication/requirements")
      .reply(200, { perUserMfaState: "enforced" });
    const { directory } = makeDirectory();
    expect(await directory.setMfaState("u1", "enabled")).toBe("enforced");
    expect(patch.isDone() && read.isDone()).toBe(true);
  });

  it("rejects an answer without a state", async () => {
    nock(GRAPH).get("/beta/users/u1/authentication/requirements").reply(200, {});
    const { directory } = makeDirectory();
    await expect(directory.getMfaState("u1")).rejects.toMatchObject({ kind: "unexpected" });
  });
});

describe("batched reads", () => {
  it("sends 20 per $batch, matches answers by id in any order, and reports a missing user as an Error", async () => {
    const sent: BatchRequestItem[][] = [];
    mockBatch(
      (item) =>
        userOf(item) === "u7"
          ? { status: 404, body: graphError("Request_ResourceNotFound", "Resource 'u7' does not exist.") }
          : {
              status: 200,
              body: { perUserMfaState: Number(userOf(item).slice(1)) % 2 ? "enabled" : "disabled" },
            },
      sent,
      3,
    );
    const ids = Array.from({ length: 45 }, (_, i) => `u${i}`);
    const { directory } = makeDirectory();
    const states = await directory.getMfaStates([...ids, "u3"]);

    expect(sent.map((batch) => batch.length).sort((a, b) => b - a)).toEqual([20, 20, 5]);
    expect(sent.flat()[0]).toEqual({
      id: expect.any(String),
      method: "GET",
      url: "/users/u0/authentication/requirements",
    });
    expect(states.size).toBe(45);
    expect(states.get("u2")).toBe("disabled");
    expect(states.get("u3")).toBe("enabled");
    const missing = states.get("u7");
    expect(missing).toBeInstanceOf(DirectoryError);
    expect(missing).toMatchObject({ kind: "notFound", status: 404 });
  });

  it("resends only the items Graph throttled, after their own Retry-After", async () => {
    const sent: BatchRequestItem[][] = [];
    let throttledOnce = false;
    mockBatch(
      (item) => {
        if (userOf(item) === "u2" && !throttledOnce) {
          throttledOnce = true;
          return {
            status: 429,
            headers: { "Retry-After": "3" },
            body: graphError("TooManyRequests", "Please retry again later."),
          };
        }
        return { status: 200, body: { perUserMfaState: "enabled" } };
      },
      sent,
      2,
    );
    const throttles: number[] = [];
    const { directory, timing } = makeDirectory({ onThrottle: (ms) => throttles.push(ms) });
    const states = await directory.getMfaStates(["u1", "u2", "u3"]);
    expect([...states.values()]).toEqual(["enabled", "enabled", "enabled"]);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.map(userOf)).toEqual(["u2"]);
    expect(throttles).toEqual([3000]);
    expect(timing.sleeps).toContain(3000);
  });

  it("retries an item's 5xx, bounded, and reports what still fails", async () => {
    const sent: BatchRequestItem[][] = [];
    let u1Failures = 0;
    mockBatch(
      (item) => {
        if (userOf(item) === "u1" && u1Failures++ === 0)
          return { status: 500, body: graphError("generalException", "boom") };
        if (userOf(item) === "u2") return { status: 503, body: graphError("serviceNotAvailable", "busy") };
        return { status: 200, body: { perUserMfaState: "disabled" } };
      },
      sent,
      3,
    );
    const { directory } = makeDirectory({ maxRetries: 2 });
    const states = await directory.getMfaStates(["u1", "u2"]);
    expect(states.get("u1")).toBe("disabled");
    expect(states.get("u2")).toMatchObject({ kind: "unavailable", status: 503 });
    expect(sent.map((batch) => batch.map(userOf))).toEqual([["u1", "u2"], ["u1", "u2"], ["u2"]]);
  });

  it("gives up on an item that stays throttled with kind throttled", async () => {
    const sent: BatchRequestItem[][] = [];
    mockBatch(
      () => ({ status: 429, headers: { "retry-after": "1" }, body: graphError("TooManyRequests", "later") }),
      sent,
      3,
    );
    const { directory } = makeDirectory({ maxRetries: 2 });
    const states = await directory.getMfaStates(["u1"]);
    expect(states.get("u1")).toMatchObject({ kind: "throttled", retryAfterMs: 1000 });
    expect(sent).toHaveLength(3);
  });

  it("retries a whole-batch 429, with and without Retry-After", async () => {
    nock(GRAPH)
      .post("/beta/$batch")
      .reply(429, graphError("TooManyRequests", "later"), { "Retry-After": "1" });
    nock(GRAPH).post("/beta/$batch").reply(429, graphError("TooManyRequests", "later"));
    const sent: BatchRequestItem[][] = [];
    mockBatch(() => ({ status: 200, body: { perUserMfaState: "enforced" } }), sent);
    const throttles: number[] = [];
    const { directory } = makeDirectory({ onThrottle: (ms) => throttles.push(ms) });
    const states = await directory.getMfaStates(["u1"]);
    expect(states.get("u1")).toBe("enforced");
    expect(throttles[0]).toBe(1000);
    expect(throttles).toHaveLength(2);
  });

  it("fails each item of a batch that fails as a whole, without throwing", async () => {
    nock(GRAPH)
      .post("/beta/$batch")
      .times(3)
      .reply(429, graphError("TooManyRequests", "later"), { "Retry-After": "2" });
    const { directory } = makeDirectory({ maxRetries: 2 });
    const states = await directory.getMfaStates(["u1", "u2"]);
    expect(states.get("u1")).toMatchObject({ kind: "throttled", retryAfterMs: 2000 });
    expect(states.get("u2")).toMatchObject({ kind: "throttled" });
  });

  it("draws one budget unit per batch item", async () => {
    const acquired: number[] = [];
    const budget: GraphBudget = { acquire: async (n) => void acquired.push(n), pause: () => {} };
    const sent: BatchRequestItem[][] = [];
    let first = true;
    mockBatch(
      (item) => {
        if (userOf(item) === "u30" && first) {
          first = false;
          return { status: 429, headers: { "Retry-After": "0" } };
        }
        return { status: 200, body: { perUserMfaState: "disabled" } };
      },
      sent,
      3,
    );
    const { directory } = makeDirectory({ budget, batchConcurrency: 1 });
    await directory.getMfaStates(Array.from({ length: 35 }, (_, i) => `u${i}`));
    expect(acquired).toEqual([20, 15, 1]);
  });
});

describe("batched writes", () => {
  it("PATCHes in a $batch, reads back the written users, and reports what Graph says", async () => {
    const sent: BatchRequestItem[][] = [];
    mockBatch(
      (item) =>
        userOf(item) === "u3"
          ? { status: 403, body: graphError("Authorization_RequestDenied", "Insufficient privileges.") }
          : { status: 204 },
      sent,
    );
    mockBatch(
      (item) => ({ status: 200, body: { perUserMfaState: userOf(item) === "u1" ? "enforced" : "disabled" } }),
      sent,
    );
    const { directory } = makeDirectory();
    const results = await directory.setMfaStates([
      { userId: "u1", state: "enabled" },
      { userId: "u2", state: "disabled" },
      { userId: "u3", state: "enabled" },
    ]);

    expect(sent[0]).toEqual([
      {
        id: "0",
        method: "PATCH",
        url: "/users/u1/authentication/requirements",
        headers: { "Content-Type": "application/json" },
        body: { perUserMfaState: "enabled" },
      },
      {
        id: "1",
        method: "PATCH",
        url: "/users/u2/authentication/requirements",
        headers: { "Content-Type": "application/json" },
        body: { perUserMfaState: "disabled" },
      },
      {
        id: "2",
        method: "PATCH",
        url: "/users/u3/authentication/requirements",
        headers: { "Content-Type": "application/json" },
        body: { perUserMfaState: "enabled" },
      },
    ]);
    expect(sent[1]!.map((item) => [item.method, userOf(item)])).toEqual([
      ["GET", "u1"],
      ["GET", "u2"],
    ]);
    expect(results).toEqual([
      { userId: "u1", ok: true, state: "enforced" },
      { userId: "u2", ok: true, state: "disabled" },
      {
        userId: "u3",
        ok: false,
        status: 403,
        error: expect.stringMatching(/^the app lacks Policy\.ReadWrite\.AuthenticationMethod/),
      },
    ]);
  });

  it("says so when the write went through but the read-back failed", async () => {
    const sent: BatchRequestItem[][] = [];
    mockBatch(() => ({ status: 204 }), sent);
    mockBatch(() => ({ status: 404, body: graphError("Request_ResourceNotFound", "gone") }), sent);
    const { directory } = makeDirectory();
    const [result] = await directory.setMfaStates([{ userId: "u1", state: "disabled" }]);
    expect(result).toEqual({
      userId: "u1",
      ok: false,
      status: 404,
      error: "the change was accepted, but reading the state back failed: no such user",
    });
  });

  // Issue 9, problem 3: a 424 envelope used to fail every item, applied PATCHes included.
  it.each([
    ["200", () => 200],
    ["424 as a whole", throttledAs424],
  ] as const)(
    "retries a throttled write item only, after its own Retry-After, when the batch is answered %s",
    async (_how, envelope) => {
      const sent: BatchRequestItem[][] = [];
      let throttled = false;
      mockBatch(
        (item) => {
          if (item.method === "PATCH" && userOf(item) === "u2" && !throttled) {
            throttled = true;
            return {
              status: 429,
              headers: { "Retry-After": "7" },
              body: graphError("TooManyRequests", "Please retry again later."),
            };
          }
          return item.method === "PATCH"
            ? { status: 204 }
            : { status: 200, body: { perUserMfaState: userOf(item) === "u3" ? "disabled" : "enabled" } };
        },
        sent,
        3,
        envelope,
      );
      const throttles: number[] = [];
      const { directory, timing } = makeDirectory({ onThrottle: (ms) => throttles.push(ms) });
      const results = await directory.setMfaStates([
        { userId: "u1", state: "enabled" },
        { userId: "u2", state: "enabled" },
        { userId: "u3", state: "disabled" },
      ]);
      expect(sent.map((batch) => batch.map((item) => `${item.method} ${userOf(item)}`))).toEqual([
        ["PATCH u1", "PATCH u2", "PATCH u3"],
        // Only the throttled item again: u1 and u3 were applied (204 in the body).
        ["PATCH u2"],
        ["GET u1", "GET u2", "GET u3"],
      ]);
      expect(throttles).toEqual([7000]);
      expect(timing.sleeps).toContain(7000);
      expect(results).toEqual([
        { userId: "u1", ok: true, state: "enabled" },
        { userId: "u2", ok: true, state: "enabled" },
        { userId: "u3", ok: true, state: "disabled" },
      ]);
    },
  );

  it("treats an item answered 424 inside the batch as not applied, and sends it again", async () => {
    const sent: BatchRequestItem[][] = [];
    let failedOnce = false;
    mockBatch(
      (item) => {
        if (item.method === "PATCH" && userOf(item) === "u1" && !failedOnce) {
          failedOnce = true;
          return { status: 424, body: graphError("FailedDependency", "The batch failed.") };
        }
        return item.method === "PATCH"
          ? { status: 204 }
          : { status: 200, body: { perUserMfaState: "enabled" } };
      },
      sent,
      3,
      (statuses) => (statuses.includes(424) ? 424 : 200),
    );
    const { directory } = makeDirectory();
    const results = await directory.setMfaStates([{ userId: "u1", state: "enabled" }]);
    expect(sent.map((batch) => batch.map((item) => `${item.method} ${userOf(item)}`))).toEqual([
      ["PATCH u1"],
      ["PATCH u1"],
      ["GET u1"],
    ]);
    expect(results).toEqual([{ userId: "u1", ok: true, state: "enabled" }]);
  });

  it("still fails every item of a batch whose error answer carries no per-item responses", async () => {
    nock(GRAPH).post("/beta/$batch").reply(424, graphError("FailedDependency", "Something failed."));
    const { directory } = makeDirectory();
    const results = await directory.setMfaStates([
      { userId: "u1", state: "enabled" },
      { userId: "u2", state: "enabled" },
    ]);
    expect(results.map((result) => result.ok)).toEqual([false, false]);
  });

  it("returns nothing for nothing, without calling Graph", async () => {
    nock.cleanAll();
    const { directory } = makeDirectory();
    expect(await directory.setMfaStates([])).toEqual([]);
    expect((await directory.getMfaStates([])).size).toBe(0);
  });
});
