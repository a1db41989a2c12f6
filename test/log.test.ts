import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, requestContext } from "../src/log.js";

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ level: "info" }, stream) };
}

describe("logs", () => {
  it("carry the request id of the job being worked on, on any logger (the Graph client's too)", async () => {
    const { lines, logger } = capture();
    const graph = logger.child({ component: "graph" });
    await requestContext.run({ requestId: "req-42" }, async () => {
      await Promise.resolve();
      graph.info("GET /v1.0/users/x");
    });
    graph.info("outside any request");
    expect(lines[0]).toMatchObject({ requestId: "req-42", component: "graph" });
    expect(lines[1]?.requestId).toBeUndefined();
  });

  it("never show secrets", () => {
    const { lines, logger } = capture();
    logger.info(
      { client_secret: "s3cr3t", headers: { authorization: "Bearer eyJ" }, body: { access_token: "tok" } },
      "token request",
    );
    const text = JSON.stringify(lines);
    expect(text).not.toContain("s3cr3t");
    expect(text).not.toContain("eyJ");
    expect(text).not.toContain('"tok"');
    expect(lines[0]?.client_secret).toBe("[redacted]");
  });
});
