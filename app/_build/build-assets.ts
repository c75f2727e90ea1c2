/**
 * Browser assets (generated; gitignored). Served as static files from public/gradlab/, each
 * under a content-hashed name (fingerprint.ts), with .br/.gz copies made here: the server
 * (server/static-files.ts) sends them as immutable for a year, already compressed.
 *   monaco.<hash>/        the editor (local monaco-editor package) and its web workers
 *   nd-types.<hash>.json  nd's declarations for the editor's IntelliSense (emitted by tsc from lib/nd)
 *   tfjs.<hash>/          tfjs-backend-wasm's .wasm files;  esbuild.<hash>.wasm  the in-browser transpiler
 *   manifest.json  which exercises Run supports (those whose checks need the grader's host code do
 *                  not), and `static`: the hashed URLs (app/_run/static-urls.ts) the page loads
 * Written to .cache/run-assets/ and served at /gradlab/run/ only to a signed-in user who may
 * open the exercise (app/gradlab/run/[...path]/route.ts):
 *   the Run worker (tfjs + the check runner; also as run-worker.<hash>.js, which may be cached
 *   for good), each exercise's visible checks (hidden checks and
 *   server-only *.host.ts modules cut out, the latter replaced by the calls recorded from the
 *   solution's visible run: app/_build/run-assets.ts), the sandbox worker, the harness and
 *   drivers. Solutions never enter any of these (only what their visible run asked the host).
 */
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadCatalogue } from "../../grader/exercises.ts";
import { RUN_ASSETS_DIR } from "../_run/assets-dir.ts";
import { buildRunAssets } from "./run-assets.ts";
import { hashDir, hashFile, precompress } from "./fingerprint.ts";
import { monacoBuildOptions } from "./monaco-build.ts";
import type { StaticUrls } from "../_run/static-urls.ts";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const OUT = join(ROOT, "public", "gradlab");
const ND = join(ROOT, "lib", "nd", "index.ts");
const t0 = performance.now();
const step = (what: string) => process.stdout.write(`[assets] ${what} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

// ---- the Run assets: served by an authenticated route, not from public/ -------------------
const cat = await loadCatalogue();
const { manifest, stubbed, recorded, recordedExercises, runWorker, layersUsers } = await buildRunAssets(cat, { root: ROOT, outDir: join(ROOT, RUN_ASSETS_DIR) });
const runnable = Object.values(manifest).filter((m) => m.run).length;
step(`Run worker, checks (visible only; ${stubbed.length} server-only modules stubbed, ${recorded} of their calls recorded from ${recordedExercises.length} solutions' visible runs), sandbox: ${runnable}/${cat.exercises.length} exercises can Run in the browser (${layersUsers.length} of them load tfjs-layers)`);

// ---- wasm files ------------------------------------------------------------------------------
/** Move a folder built under OUT to its hashed name; returns the name. */
const fingerprintDir = (dir: string, name: string) => {
  const hashed = `${name}.${hashDir(dir)}`;
  renameSync(dir, join(OUT, hashed));
  return hashed;
};
const tfjsTmp = join(OUT, "tfjs");
mkdirSync(tfjsTmp, { recursive: true });
const wasmDir = join(ROOT, "node_modules/@tensorflow/tfjs-backend-wasm/dist");
for (const f of readdirSync(wasmDir).filter((f) => f.endsWith(".wasm"))) copyFileSync(join(wasmDir, f), join(tfjsTmp, f));
const tfjsName = fingerprintDir(tfjsTmp, "tfjs");
const esbuildWasm = join(ROOT, "node_modules/esbuild-wasm/esbuild.wasm");
const esbuildName = `esbuild.${hashFile(esbuildWasm)}.wasm`;
copyFileSync(esbuildWasm, join(OUT, esbuildName));

// ---- Monaco ----------------------------------------------------------------------------------
const monacoOut = join(OUT, "monaco");
await build({ ...monacoBuildOptions, outdir: monacoOut });
const mw = join(ROOT, "node_modules/monaco-editor/esm/vs");
await build({
  entryPoints: { "editor.worker": join(mw, "editor/editor.worker.js"), "ts.worker": join(mw, "language/typescript/ts.worker.js") },
  outdir: monacoOut,
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2022",
  minify: true,
  logLevel: "warning",
});
const monacoName = fingerprintDir(monacoOut, "monaco");
step("Monaco");

// ---- nd's declarations for IntelliSense ------------------------------------------------------
const tmp = join(ROOT, ".cache", "nd-types");
rmSync(tmp, { recursive: true, force: true });
execFileSync(process.execPath, [
  join(ROOT, "node_modules/typescript/bin/tsc"), ND,
  "--declaration", "--emitDeclarationOnly", "--outDir", tmp, "--rootDir", join(ROOT, "lib/nd"),
  "--target", "es2023", "--module", "nodenext", "--moduleResolution", "nodenext", "--allowImportingTsExtensions",
  "--skipLibCheck", "--lib", "es2023,dom", "--types", "node",
], { stdio: "inherit" });
const types: Record<string, string> = {};
for (const f of readdirSync(tmp).filter((f) => f.endsWith(".d.ts"))) {
  types[`file:///node_modules/gradlab/nd/${f}`] = readFileSync(join(tmp, f), "utf8").replace(/from "(\.\/[^"]+)\.ts"/g, 'from "$1"').replace(/import\("(\.\/[^"]+)\.ts"\)/g, 'import("$1")');
}
types["file:///node_modules/gradlab/package.json"] = JSON.stringify({ name: "gradlab", exports: { "./nd": { types: "./nd/index.d.ts" } }, typesVersions: { "*": { nd: ["nd/index.d.ts"] } } });
const typesTmp = join(OUT, "nd-types.json");
writeFileSync(typesTmp, JSON.stringify(types));
const typesName = `nd-types.${hashFile(typesTmp)}.json`;
renameSync(typesTmp, join(OUT, typesName));
step(`nd declarations (${Object.keys(types).length - 1} files)`);

const packed = await precompress(OUT);
step(`precompressed ${packed.files} files: ${(packed.bytes / 1e6).toFixed(1)} MB → ${(packed.br / 1e6).toFixed(1)} MB brotli`);

const urls: StaticUrls = {
  monaco: `/gradlab/${monacoName}/`,
  ndTypes: `/gradlab/${typesName}`,
  tfjs: `/gradlab/${tfjsName}/`,
  esbuildWasm: `/gradlab/${esbuildName}`,
  runWorker: `/gradlab/run/${runWorker}`,
};
// Written last: the server reads which files to hand out from it.
writeFileSync(join(OUT, "manifest.json"), JSON.stringify({ exercises: manifest, static: urls }, null, 2));
step("done");
