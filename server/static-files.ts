/**
 * The public browser assets under content-hashed names (app/_build/build-assets.ts writes them
 * to public/gradlab/ with .br and .gz copies), served here before Next sees the request:
 *   - `Cache-Control: public, max-age=31536000, immutable`: a hashed name never changes content,
 *     so a browser keeps the file and does not even revalidate it on the next visit;
 *   - the precompressed copy the client accepts (brotli, else gzip) with its Content-Encoding,
 *     instead of compressing megabytes again on every request;
 *   - .wasm as application/wasm, so browsers compile it while it streams in and cache the code.
 * Anything else (unhashed names, HTML, the authenticated Run assets) goes on to Next.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";

/** `/gradlab/<name>.<16 hex>[.<ext>]` and, for a hashed folder, one file in it. */
const FINGERPRINTED = /^\/gradlab\/([a-z][a-z0-9-]*\.[0-9a-f]{16}(?:\.[a-z0-9]+)?)(?:\/([A-Za-z0-9][A-Za-z0-9._-]*))?$/;

const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json",
  wasm: "application/wasm",
  ttf: "font/ttf",
};

export const IMMUTABLE = "public, max-age=31536000, immutable";

/** Which stored encoding to send for an Accept-Encoding header: br, then gzip (an explicit q=0 refuses one). */
export function pickEncoding(accept: string | undefined): ("br" | "gzip")[] {
  const offered = new Map<string, number>();
  for (const part of (accept ?? "").toLowerCase().split(",")) {
    const [name, ...params] = part.trim().split(";");
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    if (name) offered.set(name.trim(), q === undefined ? 1 : Number(q));
  }
  const ok = (e: string) => (offered.get(e) ?? offered.get("*") ?? 0) > 0;
  return (["br", "gzip"] as const).filter(ok);
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves the request when it names a hashed public asset that exists; returns false (nothing
 * sent) otherwise, for the caller to hand it on.
 */
export async function serveStaticAsset(req: IncomingMessage, res: ServerResponse, publicDir: string): Promise<boolean> {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const pathname = (req.url ?? "").split("?")[0]!;
  const m = FINGERPRINTED.exec(pathname);
  if (!m) return false;
  const rel = m[2] ? join(m[1]!, m[2]) : m[1]!;
  const ext = /\.([a-z0-9]+)$/.exec(rel)?.[1] ?? "";
  const type = TYPES[ext];
  if (!type) return false;
  const file = join(publicDir, "gradlab", rel);
  const size = await fileSize(file);
  if (size === undefined) return false;
  let send = { path: file, size, encoding: "" };
  for (const enc of pickEncoding(req.headers["accept-encoding"] as string | undefined)) {
    const path = `${file}.${enc === "br" ? "br" : "gz"}`;
    const s = await fileSize(path);
    if (s !== undefined) {
      send = { path, size: s, encoding: enc };
      break;
    }
  }
  res.statusCode = 200;
  res.setHeader("Content-Type", type);
  res.setHeader("Content-Length", send.size);
  res.setHeader("Cache-Control", IMMUTABLE);
  res.setHeader("Vary", "Accept-Encoding");
  if (send.encoding) res.setHeader("Content-Encoding", send.encoding);
  if (req.method === "HEAD") {
    res.end();
    return true;
  }
  await new Promise<void>((resolve) => {
    const stream = createReadStream(send.path);
    stream.on("error", () => {
      res.destroy();
      resolve();
    });
    res.on("close", resolve);
    stream.pipe(res);
  });
  return true;
}
