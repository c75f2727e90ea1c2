/**
 * Browser assets (generated; gitignored). Served as static files from public/gradlab/:
 *   monaco/     the editor (local monaco-editor package) and its web workers
 *   types/      nd's declarations for the editor's IntelliSense (emitted by tsc from lib/nd)
 *   tfjs/       tfjs-backend-wasm's .wasm files;  esbuild.wasm  the in-browser transpiler
 *   manifest.json  which exercises Run supports (those whose checks need the grader's host code do not)
 * Written to .cache/run-assets/ and served at /gradlab/run/ only to a signed-in user who may
 * open the exercise (app/gradlab/run/[...path]/route.ts):
 *   the Run worker (tfjs + the check runner), each exercise's visible checks (hidden checks and
 *   server-only *.host.ts modules cut out, the latter replaced by the calls recorded from the
 *   solution's visible run: app/_build/run-assets.ts), the sandbox worker, the harness and
 *   drivers. Solutions never enter any of these (only what their visible run asked the host).
 */
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadCatalogue } from "../../grader/exercises.ts";
import { RUN_ASSETS_DIR } from "../_run/assets-dir.ts";
import { buildRunAssets } from "./run-assets.ts";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const OUT = join(ROOT, "public", "gradlab");
const ND = join(ROOT, "lib", "nd", "index.ts");
const t0 = performance.now();
const step = (what: string) => process.stdout.write(`[assets] ${what} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

// ---- the Run assets: served by an authenticated route, not from public/ -------------------
const cat = await loadCatalogue();
const { manifest, stubbed, recorded, recordedExercises } = await buildRunAssets(cat, { root: ROOT, outDir: join(ROOT, RUN_ASSETS_DIR) });
const runnable = Object.values(manifest).filter((m) => m.run).length;
step(`Run worker, checks (visible only; ${stubbed.length} server-only modules stubbed, ${recorded} of their calls recorded from ${recordedExercises.length} solutions' visible runs), sandbox: ${runnable}/${cat.exercises.length} exercises can Run in the browser`);

// ---- wasm files ------------------------------------------------------------------------------
mkdirSync(join(OUT, "tfjs"), { recursive: true });
const wasmDir = join(ROOT, "node_modules/@tensorflow/tfjs-backend-wasm/dist");
for (const f of readdirSync(wasmDir).filter((f) => f.endsWith(".wasm"))) copyFileSync(join(wasmDir, f), join(OUT, "tfjs", f));
copyFileSync(join(ROOT, "node_modules/esbuild-wasm/esbuild.wasm"), join(OUT, "esbuild.wasm"));

// ---- Monaco ----------------------------------------------------------------------------------
const monacoOut = join(OUT, "monaco");
await build({
  entryPoints: { editor: join(ROOT, "app/_build/monaco-entry.ts") },
  outdir: monacoOut,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  loader: { ".ttf": "file" },
  logLevel: "warning",
});
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
mkdirSync(join(OUT, "types"), { recursive: true });
writeFileSync(join(OUT, "types", "nd.json"), JSON.stringify(types));
step(`nd declarations (${Object.keys(types).length - 1} files)`);

writeFileSync(join(OUT, "manifest.json"), JSON.stringify({ exercises: manifest }, null, 2));
step("done");
