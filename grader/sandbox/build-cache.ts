/**
 * esbuild bundles of trusted code (the harness with nd, exercise drivers, the sandbox child's
 * script), cached on disk under node_modules/.cache/gradlab and reused while every input file
 * is unchanged (content hashes), so that a CLI run or a worker start does not rebuild them.
 * Writes are atomic (temp file + rename): processes starting together never see half a file.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildOptions } from "esbuild";

const REPO = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const CACHE_DIR = resolve(REPO, "node_modules/.cache/gradlab");

interface Meta {
  key: string;
  inputs: Record<string, string>;
}

const sha1 = (data: string | Buffer) => createHash("sha1").update(data).digest("hex");

function readMeta(file: string): Meta | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Meta;
  } catch {
    return undefined;
  }
}

function inputsUnchanged(meta: Meta): boolean {
  for (const [path, hash] of Object.entries(meta.inputs)) {
    try {
      if (sha1(readFileSync(resolve(REPO, path))) !== hash) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/**
 * Bundle `options` (one entry point, no outfile) as `name` in the cache directory; returns the
 * bundle's text and path. `wrap` post-processes the output (part of the cache key via `name`).
 */
export async function cachedBundle(name: string, options: BuildOptions, wrap: (code: string) => string = (c) => c): Promise<{ code: string; file: string }> {
  const esbuild = await import("esbuild");
  const file = resolve(CACHE_DIR, name);
  const metaFile = `${file}.meta.json`;
  const key = sha1(JSON.stringify({ v: esbuild.version, options, wrap: wrap("") }));
  const meta = readMeta(metaFile);
  if (meta && meta.key === key && inputsUnchanged(meta)) {
    try {
      return { code: readFileSync(file, "utf8"), file };
    } catch {
      /* rebuild */
    }
  }
  const r = await esbuild.build({ ...options, absWorkingDir: REPO, write: false, metafile: true, logLevel: "silent" });
  const code = wrap(r.outputFiles![0]!.text);
  const inputs: Record<string, string> = {};
  for (const path of Object.keys(r.metafile!.inputs)) {
    const abs = isAbsolute(path) ? path : resolve(REPO, path);
    inputs[path] = sha1(readFileSync(abs));
  }
  mkdirSync(CACHE_DIR, { recursive: true });
  writeAtomic(file, code);
  writeAtomic(metaFile, JSON.stringify({ key, inputs } satisfies Meta));
  return { code, file };
}
