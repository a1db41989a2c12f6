import { randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpServer } from "../../src/http/server.js";
import { silentLogger } from "../../src/log.js";
import { DOWNLOAD_PATH, downloadUrl, mountFileRoutes } from "../../src/report/file-routes.js";
import { FileShelf } from "../../src/report/file-shelf.js";
import { discardFile, temporaryFile } from "../../src/report/outgoing-file.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

describe("download links served by serve", () => {
  const prefix = `test-shelf-${randomUUID()}`;
  let redis: Redis;
  let server: HttpServer;
  let base: string;
  let shelf: FileShelf;
  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    shelf = new FileShelf(redis, prefix);
    server = new HttpServer(silentLogger);
    mountFileRoutes(server, shelf, silentLogger);
    base = `http://127.0.0.1:${await server.listen(0, "127.0.0.1")}`;
  });
  afterAll(async () => {
    await server.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it("streams a file larger than a chunk back byte for byte, then forgets it when it expires", async () => {
    const content = Buffer.alloc(700 * 1024, "a,b\r\n");
    const file = await temporaryFile(content, {
      filename: "mfa-report.csv",
      mimeType: "text/csv",
      title: "CSV",
    });
    const token = await shelf.put(file, 1);
    await discardFile(file);
    const url = downloadUrl(base, token);
    expect(url.startsWith(`${base}${DOWNLOAD_PATH}?token=`)).toBe(true);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="mfa-report.csv"');
    expect(Buffer.from(await res.arrayBuffer()).equals(content)).toBe(true);
    // Redis keeps the token's hash, never the token.
    expect((await redis.keys(`${prefix}:*`)).join(" ")).not.toContain(token);
    await redis.del(...(await redis.keys(`${prefix}:file:*`)));
    expect((await fetch(url)).status).toBe(404);
  });

  it("answers 404 to a token it never gave and to one that is not a token", async () => {
    expect((await fetch(`${base}${DOWNLOAD_PATH}?token=${"B".repeat(43)}`)).status).toBe(404);
    expect((await fetch(`${base}${DOWNLOAD_PATH}?token=../../etc/passwd`)).status).toBe(404);
    expect((await fetch(`${base}${DOWNLOAD_PATH}`)).status).toBe(404);
  });

  it("serves a chart inline as image/png", async () => {
    const path = `/tmp/${randomUUID()}.png`;
    await writeFile(path, Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const token = await shelf.put({
      path,
      filename: "c.png",
      mimeType: "image/png",
      bytes: 4,
      title: "chart",
    });
    const res = await fetch(downloadUrl(`${base}/`, token));
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("content-disposition")).toMatch(/^inline/);
  });
});
