import { describe, expect, it } from "vitest";
import { LatestOnly } from "../../src/delivery/latest-only.js";

// One LatestOnly for both chat platforms: each platform's cases, against the one implementation.

function deferred() {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("LatestOnly, as the Slack notifier uses it", () => {
  it("sends the first edit and then only the newest of those that waited", async () => {
    const latest = new LatestOnly<number>();
    const sent: number[] = [];
    const gates: Array<ReturnType<typeof deferred>> = [];
    const send = async (n: number) => {
      sent.push(n);
      const gate = deferred();
      gates.push(gate);
      await gate.promise;
    };
    const all = [1, 2, 3, 4].map((n) => latest.submit("m", n, send));
    expect(sent).toEqual([1]);
    expect(latest.waiting).toBe(1);
    gates[0]!.resolve();
    await Promise.resolve();
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([1, 4]);
    gates[1]!.resolve();
    await Promise.all(all);
    expect(latest.waiting).toBe(0);
  });

  it("rejects the callers whose edit failed, and recovers", async () => {
    const latest = new LatestOnly<number>();
    await expect(latest.submit("m", 1, async () => Promise.reject(new Error("nope")))).rejects.toThrow(
      "nope",
    );
    const sent: number[] = [];
    await latest.submit("m", 2, async (n) => {
      sent.push(n);
    });
    expect(sent).toEqual([2]);
  });
});

describe("LatestOnly, as the Teams notifier uses it", () => {
  it("sends the first edit, then only the newest of those that waited; every caller resolves", async () => {
    const sent: number[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const edits = new LatestOnly<number>();
    const send = async (value: number) => {
      sent.push(value);
      if (value === 1) await gate;
    };
    const all = [1, 2, 3, 4].map((n) => edits.submit("message", n, send));
    const other = edits.submit("other message", 9, send);
    release();
    await Promise.all([...all, other]);
    expect(sent).toEqual([1, 9, 4]);
  });

  it("rejects the callers whose edit failed, and keeps working after", async () => {
    const edits = new LatestOnly<number>();
    const send = async (value: number) => {
      if (value === 2) throw new Error("edit refused");
    };
    const first = edits.submit("m", 1, send);
    const second = edits.submit("m", 2, send);
    await expect(first).resolves.toBeUndefined();
    await expect(second).rejects.toThrow("edit refused");
    await expect(edits.submit("m", 3, send)).resolves.toBeUndefined();
  });
});
