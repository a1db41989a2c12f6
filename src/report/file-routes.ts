import type { HttpServer } from "../http/server.js";
import type { Logger } from "../log.js";
import type { FileShelf } from "./file-shelf.js";

export const DOWNLOAD_PATH = "/files/download";

/** The link `serve` answers for a shelved file (MFA_BOT_PUBLIC_URL + path + token). */
export function downloadUrl(publicUrl: string, token: string): string {
  const url = new URL(DOWNLOAD_PATH, publicUrl.endsWith("/") ? publicUrl : `${publicUrl}/`);
  url.searchParams.set("token", token);
  return url.href;
}

/**
 * `GET /files/download?token=…`: a shelved file, streamed from Redis, while its link lasts.
 * An unknown or expired token is a plain 404 that says so; nothing tells one from the other.
 */
export function mountFileRoutes(server: HttpServer, shelf: FileShelf, logger: Logger): void {
  server.route("GET", DOWNLOAD_PATH, async (req, res) => {
    const token = new URL(req.url ?? "/", "http://local").searchParams.get("token") ?? "";
    const file = await shelf.open(token);
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
      res.end("This download link is unknown or has expired: run the report again for a new one.");
      return;
    }
    const { meta } = file;
    res.writeHead(200, {
      "content-type": meta.mimeType === "text/csv" ? "text/csv; charset=utf-8" : meta.mimeType,
      "content-length": String(meta.bytes),
      // A CSV downloads under its own name; a chart shows inline (Teams loads it into the card).
      "content-disposition": `${meta.mimeType === "text/csv" ? "attachment" : "inline"}; filename="${meta.filename.replace(/[^\w.-]/g, "_")}"`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    });
    try {
      for await (const chunk of file.chunks) {
        if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
      }
      res.end();
    } catch (err) {
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, "download interrupted");
      res.destroy();
    }
  });
}
