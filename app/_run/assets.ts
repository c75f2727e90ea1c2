/**
 * Serving the Run assets (server side). They are built outside public/ (app/_build/run-assets.ts)
 * and handed only to a signed-in user: an exercise's checks and driver only to one who may open
 * that exercise now (the exercise page's rule: course membership and release dates). Anonymous →
 * 401, not allowed, unreleased or unknown → 404. Same-origin module workers and their dynamic
 * import() send the session cookie, so the Run worker needs nothing special.
 */
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { RUN_ASSETS_DIR } from "./assets-dir.ts";
import { PRACTICE } from "./mnist-practice-layout.ts";
import { NOT_SIGNED_IN } from "../_lib/server-loader.ts";

/**
 * What a request path names: a file shared by every exercise (no exercise code), or one
 * exercise's. `gzipped`: stored gzipped (`file` + ".gz") and sent as gzip data (the reader
 * decompresses it: Next drops a route's Content-Encoding header, so the browser would not).
 */
export type RunAsset = { file: string; exercise?: string; immutable: boolean; type?: string; gzipped?: boolean };

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const SHARED = new Set(["run-worker.js", "sandbox-worker.js", "harness.js"]);
const HASHED_RUN_WORKER = /^run-worker\.[0-9a-f]{16}\.js$/;

/** The asset a URL path (segments after /gradlab/run/) names, or undefined. */
export function runAssetOf(segments: string[]): RunAsset | undefined {
  if (segments.length === 1 && SHARED.has(segments[0])) return { file: segments[0], immutable: false };
  // The Run worker named by its content hash (app/_build/run-assets.ts): the same bytes for good.
  if (segments.length === 1 && HASHED_RUN_WORKER.test(segments[0])) return { file: segments[0], immutable: true };
  // Run's practice digits (public training images, never the hidden pool): for any signed-in user.
  if (segments.join("/") === PRACTICE.file) return { file: PRACTICE.file, immutable: false, type: "application/gzip", gzipped: true };
  if (segments.length !== 2 || !segments[1].endsWith(".js")) return undefined;
  const [dir, base] = [segments[0], segments[1].slice(0, -3)];
  if (!NAME.test(base)) return undefined;
  // Chunk names carry their content hash (esbuild chunkNames "[name]-[hash]").
  if (dir === "chunks") return { file: `chunks/${base}.js`, immutable: true };
  if (dir === "checks" || dir === "drivers") return { file: `${dir}/${base}.js`, exercise: base, immutable: false };
  return undefined;
}

/**
 * The sandbox worker's own policy: no requests at all (connect-src falls back to default-src
 * 'none'), scripts only from Blob URLs (the harness, driver and learner module it creates), no
 * nested workers. eval stays allowed, as in the server's isolate: it reaches no network.
 */
export const SANDBOX_CSP = "default-src 'none'; script-src blob: 'unsafe-eval' 'wasm-unsafe-eval'; worker-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'";

export interface AccessRules {
  /** The signed-in user (cookie or bearer token), or null. */
  user(req: Request): Promise<{ id: string } | null>;
  /** Whether this user may open this exercise now (and it exists). */
  mayOpen(user: { id: string }, exerciseId: string): Promise<boolean>;
}

const etags = new Map<string, { key: string; etag: string }>();

async function etagOf(path: string, body: Buffer): Promise<string> {
  const s = await stat(path);
  const key = `${s.size}:${s.mtimeMs}`;
  const hit = etags.get(path);
  if (hit?.key === key) return hit.etag;
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
  etags.set(path, { key, etag });
  return etag;
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } });
}

export async function serveRunAsset(req: Request, segments: string[], rules: AccessRules, root = process.env.GRADLAB_ROOT ?? process.cwd()): Promise<Response> {
  const user = await rules.user(req);
  if (!user) return plain(401, NOT_SIGNED_IN);
  const asset = runAssetOf(segments);
  if (!asset || (asset.exercise && !(await rules.mayOpen(user, asset.exercise)))) return plain(404, "Not found.");
  const path = join(root, RUN_ASSETS_DIR, asset.gzipped ? `${asset.file}.gz` : asset.file);
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch {
    return plain(404, "Not found (are the browser assets built? npm run build).");
  }
  const etag = await etagOf(path, body);
  const headers: Record<string, string> = {
    "Content-Type": asset.type ?? "text/javascript; charset=utf-8",
    // Per user (the access check), so never in a shared cache; unhashed files revalidate every time.
    "Cache-Control": asset.immutable ? "private, max-age=31536000, immutable" : "private, no-cache",
    ETag: etag,
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "same-origin",
  };
  if (asset.file === "sandbox-worker.js") headers["Content-Security-Policy"] = SANDBOX_CSP;
  if (req.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(body), { status: 200, headers });
}
