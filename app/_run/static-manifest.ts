/** The public assets' hashed URLs from public/gradlab/manifest.json (server side), re-read when the build rewrites it. */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { StaticUrls } from "./static-urls.ts";

let cached: { mtimeMs: number; urls: StaticUrls | null } | undefined;

/** null when the browser assets are not built. */
export function staticUrls(root = process.env.GRADLAB_ROOT ?? process.cwd()): StaticUrls | null {
  const file = join(root, "public", "gradlab", "manifest.json");
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    return null;
  }
  if (cached?.mtimeMs !== mtimeMs) {
    let urls: StaticUrls | null = null;
    try {
      urls = (JSON.parse(readFileSync(file, "utf8")) as { static?: StaticUrls }).static ?? null;
    } catch {
      /* being rewritten: try again on the next request */
    }
    cached = { mtimeMs, urls };
  }
  return cached.urls;
}
