/**
 * The browser's Run assets: the Run worker (tfjs + the check runner), each exercise's checks, the
 * sandbox worker, the harness and the drivers (esbuild, ESM with shared chunks). They are written
 * outside public/ and served only to a signed-in user who may open the exercise
 * (app/gradlab/run/[...path]/route.ts), and they carry only what the visible checks need:
 *
 * - hidden checks are cut out of every checks.ts before bundling (`hidden(...)` elements of the
 *   checks array), so whatever only they use (random-shape generators...) is tree-shaken away;
 * - a server-only module (`*.host.ts`: float64 mistake simulators, which with no mistake switched
 *   on are complete correct implementations) becomes a stub whose exports return undefined and
 *   tell the Run worker that the check wanted a diagnosis only the server can make
 *   (app/_run/host-only.ts);
 * - shared chunks hold no exercise code (checked), so a chunk never carries one exercise's code
 *   to a user who may not open it.
 */
import { build, type Metafile, type Plugin } from "esbuild";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import type { Catalogue } from "../../grader/exercises.ts";
import { driverScript, harnessScript } from "../../grader/sandbox/bundle.ts";

/** Server-only modules, by file name: `mistakes.host.ts`, `reference.host.ts`... */
export const HOST_ONLY = /\.host(\.ts)?$/;

export type RunManifest = Record<string, { run: boolean; reason?: string; driver: boolean }>;

export interface RunAssetsOptions {
  root: string;
  /** Where the assets go (emptied first). */
  outDir: string;
  /** Off for tests that read the bundles. */
  minify?: boolean;
}

export interface RunAssetsReport {
  manifest: RunManifest;
  /** Server-only modules replaced by stubs, relative to root. */
  stubbed: string[];
  metafile: Metafile;
}

// ---- hidden checks out ---------------------------------------------------------------------

/**
 * checks.ts with every `hidden(...)` element of an array literal removed (with its comma and
 * leading comments). A `hidden(...)` call anywhere else is an error: it could not be removed
 * without guessing what the code around it does. With `defineVisible` (a module path), the suite
 * is made by its defineVisibleChecks, which wants visible checks only.
 */
export function stripHiddenChecks(source: string, fileName: string, defineVisible?: string): string {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const cuts: [number, number, string][] = [];
  const problems: string[] = [];
  const visit = (node: ts.Node): void => {
    // defineChecks wants a hidden check: the browser's suite goes through defineVisibleChecks instead.
    if (defineVisible && ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "defineChecks") {
      cuts.push([node.expression.getStart(), node.expression.getEnd(), "__gradlabDefineVisibleChecks"]);
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "hidden") {
      if (ts.isArrayLiteralExpression(node.parent)) {
        const after = /^(\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*,/.exec(source.slice(node.getEnd()));
        cuts.push([node.getFullStart(), node.getEnd() + (after ? after[0].length : 0), ""]);
        return;
      }
      const { line } = sf.getLineAndCharacterOfPosition(node.getStart());
      problems.push(`${fileName}:${line + 1}: hidden(...) must be an element of the checks array (the browser build removes it from there)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  if (problems.length) throw new Error(problems.join("\n"));
  let out = source;
  for (const [a, b, put] of cuts.sort((x, y) => y[0] - x[0])) out = out.slice(0, a) + put + out.slice(b);
  return defineVisible ? `import { defineVisibleChecks as __gradlabDefineVisibleChecks } from ${JSON.stringify(defineVisible)};\n${out}` : out;
}

function visibleChecksOnly(root: string): Plugin {
  const defineVisible = join(root, "app", "_run", "visible-checks.ts");
  return {
    name: "visible-checks-only",
    setup(b) {
      b.onLoad({ filter: /[\\/]checks\.ts$/ }, (args) => ({ contents: stripHiddenChecks(readFileSync(args.path, "utf8"), args.path, defineVisible), loader: "ts" }));
    },
  };
}

// ---- server-only modules become stubs ------------------------------------------------------

/** The value exports of a `*.host.ts` module; only functions are allowed (types are free). */
export function hostExports(source: string, fileName: string): string[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const names: string[] = [];
  const bad = (n: ts.Node, what: string) => {
    const { line } = sf.getLineAndCharacterOfPosition(n.getStart());
    throw new Error(`${fileName}:${line + 1}: a *.host.ts module may export only functions and types (${what}); Run replaces each exported function with a stub`);
  };
  for (const st of sf.statements) {
    const exported = ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (ts.isExportDeclaration(st) && !st.isTypeOnly) bad(st, "a re-export");
    if (ts.isExportAssignment(st)) bad(st, "a default export");
    if (!exported) continue;
    if (ts.isFunctionDeclaration(st)) {
      if (!st.name || ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)) bad(st, "a default export");
      else if (!names.includes(st.name.text)) names.push(st.name.text);
    } else if (ts.isVariableStatement(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st)) bad(st, "a value that is not a function");
  }
  return names;
}

function hostOnlyStubs(root: string, stubbed: Set<string>): Plugin {
  const noteModule = join(root, "app", "_run", "host-only.ts");
  return {
    name: "host-only-stubs",
    setup(b) {
      b.onResolve({ filter: HOST_ONLY }, (args) => {
        const abs = resolve(args.resolveDir, args.path.endsWith(".ts") ? args.path : `${args.path}.ts`);
        stubbed.add(relative(root, abs));
        return { path: abs, namespace: "host-stub" };
      });
      b.onLoad({ filter: /.*/, namespace: "host-stub" }, (args) => {
        const names = hostExports(readFileSync(args.path, "utf8"), args.path);
        // Local names that say nothing, so a bundle read without minification names no simulator either.
        const body = names.map((_, i) => `const s${i} = () => hostOnly();`).join("\n");
        const list = names.map((n, i) => `s${i} as ${n}`).join(", ");
        return { contents: `import { hostOnly } from ${JSON.stringify(noteModule)};\n${body}\nexport { ${list} };\n`, loader: "ts", resolveDir: root };
      });
    },
  };
}

// ---- which exercises can Run in a browser --------------------------------------------------

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Notes imports a browser cannot have (Node built-ins, the grader's host code). */
function needsServer(root: string, nd: string, found: string[]): Plugin {
  return {
    name: "needs-server",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (builtins.has(args.path) || args.path.startsWith("node:")) {
          found.push(args.path);
          return { path: args.path, external: true };
        }
        if (args.path === "gradlab/nd") return { path: nd };
        const abs = args.path.startsWith(".") ? resolve(args.resolveDir, args.path) : undefined;
        if (abs && abs.startsWith(join(root, "grader") + "/")) {
          found.push(relative(root, abs));
          return { path: abs, external: true };
        }
        return undefined;
      });
    },
  };
}

// ---- the build -----------------------------------------------------------------------------

export async function buildRunAssets(cat: Catalogue, opts: RunAssetsOptions): Promise<RunAssetsReport> {
  const { root, outDir } = opts;
  const nd = join(root, "lib", "nd", "index.ts");
  const stubbed = new Set<string>();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const exercises = cat.exercises;
  const manifest: RunManifest = {};
  const entries: Record<string, string> = {};
  for (const ex of exercises) {
    const found: string[] = [];
    await build({
      entryPoints: [ex.files.checks],
      bundle: true,
      write: false,
      format: "esm",
      platform: "browser",
      absWorkingDir: root,
      logLevel: "silent",
      plugins: [hostOnlyStubs(root, new Set()), visibleChecksOnly(root), needsServer(root, nd, found)],
    }).catch((e: Error) => {
      // An authoring error in what Run must cut out fails the build; anything else means "needs the server".
      if (/\[plugin: (host-only-stubs|visible-checks-only)\]/.test(e.message)) throw e;
      found.push(e.message);
    });
    manifest[ex.id] = found.length
      ? { run: false, reason: `its checks need the server (${[...new Set(found)].slice(0, 3).join(", ")})`, driver: !!ex.files.driver }
      : { run: true, driver: !!ex.files.driver };
    if (!found.length) entries[`checks/${ex.id}`] = ex.files.checks;
  }

  const result = await build({
    entryPoints: { "run-worker": join(root, "app/_run/run-worker.ts"), ...entries },
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: opts.minify ?? true,
    sourcemap: false,
    metafile: true,
    absWorkingDir: root,
    alias: { "gradlab/nd": nd, esbuild: "esbuild-wasm" },
    define: { "process.env.NODE_ENV": '"production"' },
    chunkNames: "chunks/[name]-[hash]",
    logLevel: "warning",
    logOverride: { "unsupported-dynamic-import": "silent" },
    plugins: [hostOnlyStubs(root, stubbed), visibleChecksOnly(root)],
  });
  checkBundles(result.metafile, root, outDir);

  await build({ entryPoints: [join(root, "app/_run/sandbox-worker.ts")], outfile: join(outDir, "sandbox-worker.js"), bundle: true, format: "iife", platform: "browser", target: "es2022", minify: opts.minify ?? true, logLevel: "warning" });
  writeFileSync(join(outDir, "harness.js"), await harnessScript());
  mkdirSync(join(outDir, "drivers"), { recursive: true });
  for (const ex of exercises) if (ex.files.driver && manifest[ex.id].run) writeFileSync(join(outDir, "drivers", `${ex.id}.js`), await driverScript(ex.files.driver));

  await checkVisibleOnly(outDir, exercises.filter((ex) => manifest[ex.id].run).map((ex) => ex.id));
  return { manifest, stubbed: [...stubbed].sort(), metafile: result.metafile };
}

/** No bundle holds a real `*.host.ts`, and shared chunks hold no exercise's code. */
function checkBundles(meta: Metafile, root: string, outDir: string): void {
  const problems: string[] = [];
  for (const [out, info] of Object.entries(meta.outputs)) {
    const rel = relative(outDir, resolve(root, out));
    for (const input of Object.keys(info.inputs)) {
      if (!input.startsWith("host-stub:") && HOST_ONLY.test(input.replace(/\.ts$/, ""))) problems.push(`${rel} holds the server-only ${input}`);
      if (rel.startsWith("chunks/") && /(^|\/)exercises\//.test(input)) problems.push(`${rel} (a chunk shared by several bundles) holds exercise code: ${input}`);
    }
  }
  if (problems.length) throw new Error(`Run assets:\n${problems.join("\n")}`);
}

/** Load each built checks bundle (here, in Node) and make sure its suite holds visible checks only. */
async function checkVisibleOnly(outDir: string, ids: string[]): Promise<void> {
  writeFileSync(join(outDir, "package.json"), '{ "type": "module" }\n');
  const problems: string[] = [];
  const fresh = Date.now();
  for (const id of ids) {
    const mod = (await import(`${pathToFileURL(join(outDir, "checks", `${id}.js`)).href}?build=${fresh}`)) as { default?: { checks?: { name: string; visibility: string }[] } };
    const checks = mod.default?.checks;
    if (!Array.isArray(checks)) problems.push(`checks/${id}.js exports no suite`);
    else for (const c of checks) if (c.visibility !== "visible") problems.push(`checks/${id}.js holds the ${c.visibility} check "${c.name}"`);
  }
  rmSync(join(outDir, "package.json"));
  if (problems.length) throw new Error(`Run assets:\n${problems.join("\n")}`);
}

/** Names of hidden checks that appear in a bundle (those that are also part of a visible check's name cannot be told apart). */
export function hiddenNamesIn(bundle: string, checks: { name: string; visibility: string }[]): string[] {
  const visible = checks.filter((c) => c.visibility === "visible").map((c) => c.name);
  return checks
    .filter((c) => c.visibility === "hidden" && !visible.some((v) => v.includes(c.name)))
    .map((c) => c.name)
    .filter((n) => inBundle(bundle, n));
}

/** Whether a string literal's text is in a bundle, as written or as esbuild escapes it (JSON escapes, non-ASCII as \xHH or \uHHHH). */
export function inBundle(bundle: string, text: string): boolean {
  const json = JSON.stringify(text).slice(1, -1);
  const escaped = (hex: (n: number, width: number) => string) =>
    json.replace(/[^\x00-\x7f]/g, (c) => (c.charCodeAt(0) <= 0xff ? `\\x${hex(c.charCodeAt(0), 2)}` : `\\u${hex(c.charCodeAt(0), 4)}`));
  const upper = escaped((n, w) => n.toString(16).toUpperCase().padStart(w, "0"));
  const lower = escaped((n, w) => n.toString(16).padStart(w, "0"));
  return [text, json, upper, lower].some((t) => bundle.includes(t));
}
