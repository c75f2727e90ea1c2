/**
 * The trusted scripts that run inside the isolate before learner code: the harness (with nd)
 * and an exercise's optional driver. Built with esbuild once per process and cached.
 */
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { wrapModule } from "./transpile.ts";

const HARNESS_ENTRY = fileURLToPath(new URL("./harness.ts", import.meta.url));

let harness: Promise<string> | undefined;
const drivers = new Map<string, Promise<string>>();

/** The harness and nd as one IIFE script. */
export function harnessScript(): Promise<string> {
  harness ??= build({
    entryPoints: [HARNESS_ENTRY],
    bundle: true,
    format: "iife",
    platform: "neutral",
    target: "es2022",
    write: false,
    logLevel: "silent",
  }).then((r) => r.outputFiles[0].text);
  return harness;
}

/**
 * An exercise's driver (trusted code that drives class-based learner code inside the sandbox).
 * It must import nd as "gradlab/nd" so that it shares the learner's Tensor class.
 */
export function driverScript(path: string): Promise<string> {
  let p = drivers.get(path);
  if (!p) {
    p = build({
      entryPoints: [path],
      bundle: true,
      format: "cjs",
      platform: "neutral",
      target: "es2022",
      external: ["gradlab/nd"],
      write: false,
      logLevel: "silent",
    }).then((r) => wrapModule(r.outputFiles[0].text, "driver"));
    drivers.set(path, p);
  }
  return p;
}
