/**
 * Browser assets the Next app serves from public/gradlab/ (generated; gitignored):
 *   monaco/     the editor (local monaco-editor package) and its web workers
 *   types/      nd's declarations for the editor's IntelliSense (emitted by tsc from lib/nd)
 *   run/        the Run worker (tfjs + the check runner), each exercise's checks, the sandbox
 *               worker, the harness and drivers: esbuild, ESM with shared chunks
 *   tfjs/       tfjs-backend-wasm's .wasm files;  esbuild.wasm  the in-browser transpiler
 *   manifest.json  which exercises Run supports (those whose checks need host-only modules do not)
 * Solutions never enter any of these: only checks.ts (visible and hidden checks' code, which
 * holds no hidden values: hidden inputs are drawn per submission on the server).
 */
import { build, type Plugin } from "esbuild";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadCatalogue } from "../../grader/exercises.ts";
import { driverScript, harnessScript } from "../../grader/sandbox/bundle.ts";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const OUT = join(ROOT, "public", "gradlab");
const ND = join(ROOT, "lib", "nd", "index.ts");
const t0 = performance.now();
const step = (what: string) => process.stdout.write(`[assets] ${what} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

// ---- which exercises can Run in a browser --------------------------------------------------
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
function hostOnly(found: string[]): Plugin {
  return {
    name: "host-only",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (builtins.has(args.path) || args.path.startsWith("node:")) {
          found.push(args.path);
          return { path: args.path, external: true };
        }
        if (args.path === "gradlab/nd") return { path: ND };
        const abs = args.path.startsWith(".") ? resolve(args.resolveDir, args.path) : undefined;
        if (abs && abs.startsWith(join(ROOT, "grader") + "/")) {
          found.push(relative(ROOT, abs));
          return { path: abs, external: true };
        }
        return undefined;
      });
    },
  };
}

const cat = await loadCatalogue();
const manifest: Record<string, { run: boolean; reason?: string; driver: boolean }> = {};
const runnable: Record<string, string> = {};
for (const ex of cat.exercises) {
  const found: string[] = [];
  await build({ entryPoints: [ex.files.checks], bundle: true, write: false, format: "esm", platform: "browser", logLevel: "silent", plugins: [hostOnly(found)] }).catch((e) => found.push(String(e.message)));
  manifest[ex.id] = found.length
    ? { run: false, reason: `its checks need the server (${[...new Set(found)].slice(0, 3).join(", ")})`, driver: !!ex.files.driver }
    : { run: true, driver: !!ex.files.driver };
  if (!found.length) runnable[`checks/${ex.id}`] = ex.files.checks;
}
step(`${Object.keys(runnable).length}/${cat.exercises.length} exercises can Run in the browser`);

// ---- the Run worker and the checks (shared chunks: one tfjs, one nd) -------------------------
const run = join(OUT, "run");
await build({
  entryPoints: { "run-worker": join(ROOT, "app/_run/run-worker.ts"), ...runnable },
  outdir: run,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  sourcemap: false,
  alias: { "gradlab/nd": ND, esbuild: "esbuild-wasm" },
  define: { "process.env.NODE_ENV": '"production"' },
  chunkNames: "chunks/[name]-[hash]",
  logLevel: "warning",
  logOverride: { "unsupported-dynamic-import": "silent" },
});
await build({ entryPoints: [join(ROOT, "app/_run/sandbox-worker.ts")], outfile: join(run, "sandbox-worker.js"), bundle: true, format: "iife", platform: "browser", target: "es2022", minify: true, logLevel: "warning" });
writeFileSync(join(run, "harness.js"), await harnessScript());
mkdirSync(join(run, "drivers"), { recursive: true });
for (const ex of cat.exercises) if (ex.files.driver && manifest[ex.id].run) writeFileSync(join(run, "drivers", `${ex.id}.js`), await driverScript(ex.files.driver));
step("Run worker, checks, sandbox");

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
void dirname;
step("done");
