/**
 * The trusted scripts that run inside the isolate before learner code: the harness (with nd)
 * and an exercise's optional driver. Built with esbuild, cached in memory and on disk (build-cache.ts).
 */
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { wrapModule } from "../../lib/sandbox/transpile.ts";
import { cachedBundle } from "./build-cache.ts";

const HARNESS_ENTRY = fileURLToPath(new URL("./harness.ts", import.meta.url));

let harness: Promise<string> | undefined;
const drivers = new Map<string, Promise<string>>();

/** The harness and nd as one IIFE script. */
export function harnessScript(): Promise<string> {
  harness ??= cachedBundle("harness.js", {
    entryPoints: [HARNESS_ENTRY],
    bundle: true,
    format: "iife",
    platform: "neutral",
    target: "es2022",
  }).then((r) => r.code);
  harness.catch(() => (harness = undefined));
  return harness;
}

/**
 * An exercise's driver (trusted code that drives class-based learner code inside the sandbox).
 * It must import nd as "gradlab/nd" so that it shares the learner's Tensor class.
 */
export function driverScript(path: string): Promise<string> {
  let p = drivers.get(path);
  if (!p) {
    const name = `driver-${createHash("sha1").update(path).digest("hex").slice(0, 16)}.js`;
    p = cachedBundle(
      name,
      {
        entryPoints: [path],
        bundle: true,
        format: "cjs",
        platform: "neutral",
        target: "es2022",
        external: ["gradlab/nd"],
      },
      (code) => wrapModule(code, "driver"),
    ).then((r) => r.code);
    p.catch(() => drivers.delete(path));
    drivers.set(path, p);
  }
  return p;
}
