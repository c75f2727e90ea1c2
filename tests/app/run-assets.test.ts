// The browser's Run assets: what the bundles hold (visible checks only, no server-only mistake
// simulator), and who gets them (a signed-in user who may open the exercise now).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import ts from "typescript";

process.env.GRADLAB_DATA_DIR = mkdtempSync(join(tmpdir(), "gradlab-run-assets-"));
const ROOT = join(import.meta.dirname, "..", "..");

const { buildRunAssets, hiddenNamesIn, hostExports, inBundle, stripHiddenChecks } = await import("../../app/_build/run-assets.ts");
const { layerNamesUsed } = await import("../../app/_run/layers-use.ts");
const { serveRunAsset, runAssetOf, SANDBOX_CSP } = await import("../../app/_run/assets.ts");
const { RUN_ASSETS_DIR } = await import("../../app/_run/assets-dir.ts");

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(join(dir, d.name)) : [join(dir, d.name)]));
}

/** Every function declared at the top of a module, and its string literals long enough to be telling. */
function telltales(path: string): { names: string[]; strings: string[] } {
  const sf = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
  const names: string[] = [];
  const strings: string[] = [];
  for (const st of sf.statements) if (ts.isFunctionDeclaration(st) && st.name) names.push(st.name.text);
  const visit = (n: ts.Node): void => {
    if ((ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) && n.text.length >= 40) strings.push(n.text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return { names, strings };
}

describe("stripping hidden checks", () => {
  it("removes hidden(...) elements of the checks array and keeps the visible ones", () => {
    const src = `export default defineChecks({ checks: [\n  visible("a", 1, f),\n  // only the hidden one\n  hidden("b", 1, g),\n  visible("c", 1, h),\n  hidden("d", 2, async () => { await k(); }, { critical: true })\n] });`;
    const out = stripHiddenChecks(src, "checks.ts");
    expect(out).toContain('visible("a", 1, f)');
    expect(out).toContain('visible("c", 1, h)');
    expect(out).not.toMatch(/hidden|"b"|"d"|only the hidden/);
  });

  it("hands the browser's suite to defineVisibleChecks (defineChecks wants a hidden check)", () => {
    const out = stripHiddenChecks(`export default defineChecks({ checks: [visible("a", 1, f), hidden("b", 1, g)] });`, "checks.ts", "/x/visible-checks.ts");
    expect(out).toBe(`import { defineVisibleChecks as __gradlabDefineVisibleChecks } from "/x/visible-checks.ts";\nexport default __gradlabDefineVisibleChecks({ checks: [visible("a", 1, f),] });`);
  });

  it("refuses a hidden(...) it cannot remove safely", () => {
    expect(() => stripHiddenChecks(`const h = hidden("x", 1, f);\nexport default defineChecks({ checks: [h] });`, "checks.ts")).toThrow(/checks\.ts:1: hidden\(\.\.\.\) must be an element of the checks array/);
  });

  it("a *.host.ts module may export functions and types only", () => {
    expect(hostExports("export interface M { a?: boolean }\nexport function f() {}\nfunction g() {}\nexport type T = number;", "m.host.ts")).toEqual(["f"]);
    expect(() => hostExports("export const TABLE = [1, 2];", "m.host.ts")).toThrow(/m\.host\.ts:1: a \*\.host\.ts module may export only functions/);
  });
});

describe("the built Run assets", () => {
  const out = mkdtempSync(join(tmpdir(), "gradlab-run-build-"));
  let report: Awaited<ReturnType<typeof buildRunAssets>>;
  let cat: Awaited<ReturnType<typeof import("../../grader/exercises.ts").loadCatalogue>>;
  let bundles: { file: string; text: string }[];

  beforeAll(async () => {
    const { loadCatalogue } = await import("../../grader/exercises.ts");
    cat = await loadCatalogue(join(ROOT, "exercises"));
    // Not minified: names survive, so a grep can see a simulator if one is shipped.
    report = await buildRunAssets(cat, { root: ROOT, outDir: out, minify: false });
    bundles = filesUnder(out).map((f) => ({ file: relative(out, f), text: readFileSync(f, "utf8") }));
  }, 300_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("hold no server-only reference or mistake simulator (lstm, rnn, optimizers, scalar-autodiff, metrics...)", () => {
    const hostFiles = filesUnder(join(ROOT, "exercises")).filter((f) => f.endsWith(".host.ts"));
    expect(hostFiles.map((f) => relative(ROOT, f)).sort()).toEqual(expect.arrayContaining(["exercises/02-chain-rule/scalar-autodiff/mistakes.host.ts", "exercises/03-layers/lstm/mistakes.host.ts", "exercises/03-layers/rnn/mistakes.host.ts", "exercises/04-optimizers/optimizers/mistakes.host.ts"]));
    expect(report.stubbed.length).toBeGreaterThanOrEqual(4);
    // Every function a host module declares, unless the same name is also in code that is bundled
    // anyway (need, expand: tfjs has them): then finding the name in a bundle says nothing.
    const shipped = new Set(Object.values(report.metafile.outputs).flatMap((o) => Object.keys(o.inputs)).filter((i) => !i.includes(":"))); // namespaced inputs (stubs, disabled) are no files
    // (The checks.ts files that import a simulator name it too, but only to call what is now a stub.)
    const sources = [...shipped].filter((i) => !i.endsWith("/checks.ts")).map((i) => readFileSync(join(ROOT, i), "utf8")).join("\n");
    const names = new Set<string>();
    const strings: string[] = [];
    for (const f of hostFiles) {
      const t = telltales(f);
      t.names.filter((n) => !new RegExp(`\\b${n}\\b`).test(sources)).forEach((n) => names.add(n));
      strings.push(...t.strings);
    }
    expect([...names]).toEqual(expect.arrayContaining(["lstm64", "rnnForward64", "rnnBackward64", "knownMistake", "permuteBlocks", "forwardTrace", "refAuc", "refPrf", "softmaxAlong", "relErr"])); // ("simulate" is a word tfjs-webgpu uses too)
    expect(strings.length).toBeGreaterThan(10); // the hint texts of the simulated mistakes
    const found: string[] = [];
    for (const b of bundles) {
      for (const n of names) if (new RegExp(`\\b${n}\\b`).test(b.text)) found.push(`${b.file}: ${n}`);
      for (const s of strings) if (inBundle(b.text, s)) found.push(`${b.file}: "${s.slice(0, 50)}..."`);
    }
    expect(found).toEqual([]);
    for (const info of Object.values(report.metafile.outputs)) {
      expect(Object.keys(info.inputs).filter((i) => i.endsWith(".host.ts") && !i.startsWith("host-stub:"))).toEqual([]);
    }
  });

  // References that compute a learner's answers live in *.host.ts; each token below is distinctive
  // code of one (its name or its formula). Put back inline in checks.ts, it would ship in Run.
  const MOVED: Record<string, { host: string; tokens: RegExp[] }> = {
    metrics: { host: "exercises/07-evaluation/metrics/reference.host.ts", tokens: [/\brefAccuracy\b/, /\brefPrf\b/, /\brefAuc\b/, /\bconfusionCounts\b/, /tie \* tied/] },
    "lr-schedule": { host: "exercises/04-optimizers/lr-schedule/schedule.host.ts", tokens: [/function (ref)?(step|exponential)Decay\b|function (ref)?warmupCosine\b/i, /factor \*\* Math\.floor/, /Math\.cos\(Math\.PI \*/, /\bcosineWith\b/] },
    "softmax-cross-entropy": { host: "exercises/03-layers/softmax-cross-entropy/mistakes.host.ts", tokens: [/\bsoftmaxAlong\b/, /\bgradFrom\b/] },
    lora: { host: "exercises/06-fine-tuning/lora/mistakes.host.ts", tokens: [/matmul\d*\(matmul\d*\(\w+, \w+\), \w+\)/, /matmul\d*\(matmul\d*\(\w+, transpose\d*\(\w+\)\), transpose/] },
    activations: { host: "exercises/03-layers/activations/mistakes.host.ts", tokens: [/\bstableSigmoid\b/, /1 \/ \(1 \+ Math\.exp\(-v\)\)/, /1 - Math\.tanh\(v\) \*\* 2/] },
    "gradient-check": { host: "exercises/05-training/gradient-check/reference.host.ts", tokens: [/\brelErr\b/, /function differences\b/, /function gradient\b/, /\(fp - fm\) \/ \(2 \* h\)/] },
    dropout: { host: "exercises/03-layers/dropout/mask.host.ts", tokens: [/\bkeepMask\b/, /\bcolumnMajorMask\b/, /\(u >= rate\)/] },
    layernorm: { host: "exercises/03-layers/layernorm/mistakes.host.ts", tokens: [/\bnormalized\(/, /\bforwardVariant\b/, /\bdxVariant\b/, /\bdgammaVariant\b/, /1 \/ Math\.sqrt\(variance \+ c\.eps\)/] },
    "max-pool": { host: "exercises/03-layers/max-pool/windows.host.ts", tokens: [/\bforEachWindow\b/, /\bwrongDx\b/, /\bpoolWindows\b/, /\(\(i \* h \+ oh \* stride \+ a\) \* w/] },
    conv2d: { host: "exercises/03-layers/conv2d/mistakes.host.ts", tokens: [/\bforEachTap\b/, /\bwrongDw\b/, /\bwrongDb\b/, /\(\(a \* kw \+ col\) \* cin \+ ci\) \* cout \+ co/] },
    embedding: { host: "exercises/03-layers/embedding/mistakes.host.ts", tokens: [/\bwrongScatter\b/, /\btransposedLookup\b/, /\btransposedScatter\b/, /out\[j \* v \+ id\] \+=/] },
    "linear-regression": { host: "exercises/05-training/linear-regression/mistakes.host.ts", tokens: [/function mistake\b/, /dw \+= \(2 \* r \* xs\[i\]\) \/ n/, /db \+= \(2 \* r\) \/ n/] },
  };

  it("hold none of the references moved to *.host.ts (metrics, lr-schedule, softmax-cross-entropy, lora, activations, gradient-check, dropout, layernorm, max-pool, conv2d, embedding, linear-regression)", () => {
    for (const [id, { host, tokens }] of Object.entries(MOVED)) {
      expect(report.manifest[id]?.run, id).toBe(true);
      expect(report.stubbed, id).toContain(host);
      const source = readFileSync(join(ROOT, host), "utf8");
      const own = readFileSync(join(out, "checks", `${id}.js`), "utf8");
      for (const t of tokens) {
        // Each token is really the reference's (so the test means something), and not in Run's bundle.
        expect(t.test(source), `${host} holds ${t}`).toBe(true);
        expect(t.test(own), `checks/${id}.js holds ${t}`).toBe(false);
      }
    }
    // Their visible checks replay the solution's recorded calls (the build fails otherwise).
    expect(report.recordedExercises).toEqual(expect.arrayContaining(Object.keys(MOVED)));
    expect(report.recorded).toBeGreaterThan(15);
  });

  it("hold only visible checks: every visible check's name, no hidden check's name", () => {
    const all = bundles.map((b) => b.text).join("\n");
    let runnable = 0;
    for (const ex of cat.exercises.filter((e) => report.manifest[e.id]?.run)) {
      runnable++;
      const own = readFileSync(join(out, "checks", `${ex.id}.js`), "utf8");
      const visibleLiteral = ex.suite.checks.filter((c) => c.visibility === "visible" && readFileSync(ex.files.checks, "utf8").includes(JSON.stringify(c.name)));
      for (const c of visibleLiteral) expect(inBundle(own, c.name), `${ex.id}: ${c.name}`).toBe(true);
      // A hidden check's name that its checks.ts also uses elsewhere (a case description shared with a visible check) says nothing.
      const source = readFileSync(ex.files.checks, "utf8");
      // (quoted or as an en`…` template: count the name itself)
      const onlyItsName = ex.suite.checks.filter((c) => c.visibility === "visible" || source.split(c.name).length === 2);
      expect(hiddenNamesIn(all, onlyItsName), ex.id).toEqual([]);
    }
    expect(runnable).toBeGreaterThan(15);
    // What only the hidden checks use goes too (lstm's and rnn's random-shape generator).
    expect(readFileSync(join(out, "checks", "rnn.js"), "utf8")).not.toContain("randomShape");
  });

  it("keep exercise code out of the chunks every exercise's bundle shares", () => {
    for (const [file, info] of Object.entries(report.metafile.outputs)) {
      if (!relative(out, join(ROOT, file)).startsWith("chunks/")) continue;
      expect(Object.keys(info.inputs).filter((i) => i.startsWith("exercises/")), file).toEqual([]);
    }
  });

  it("load only what the Run worker needs up front: no tfjs converter or data, GPU backends only when tried, layers only for the checks that use it", () => {
    const outputs = report.metafile.outputs;
    const key = (f: string) => Object.keys(outputs).find((k) => relative(out, join(ROOT, k)) === f)!;
    // Everything reachable from the worker's entry through static imports and its one dynamic import of run-main.
    const closure = (from: string, follow: (kind: string, path: string) => boolean): Set<string> => {
      const seen = new Set<string>([from]);
      for (const f of seen) for (const i of outputs[f].imports) if (!i.external && follow(i.kind, i.path)) seen.add(i.path);
      return seen;
    };
    const inputsOf = (files: Set<string>) => [...files].flatMap((f) => Object.keys(outputs[f].inputs));
    const upFront = inputsOf(closure(key("run-worker.js"), (kind, path) => kind === "import-statement" || /run-main-/.test(path)));
    const pkg = (name: string) => (i: string) => i.includes(`node_modules/@tensorflow/${name}/`);
    for (const name of ["tfjs-core", "tfjs-backend-cpu", "tfjs-backend-wasm"]) expect(upFront.some(pkg(name)), name).toBe(true);
    for (const name of ["tfjs-converter", "tfjs-data", "tfjs-layers", "tfjs-backend-webgl", "tfjs-backend-webgpu"]) expect(upFront.some(pkg(name)), name).toBe(false);
    const everything = inputsOf(closure(key("run-worker.js"), () => true));
    for (const name of ["tfjs-layers", "tfjs-backend-webgl", "tfjs-backend-webgpu"]) expect(everything.some(pkg(name)), name).toBe(true);
    for (const name of ["tfjs-converter", "tfjs-data"]) expect(everything.some(pkg(name)), name).toBe(false);
  });

  it("mark the check bundles that use tfjs-layers, and only those", () => {
    // Suites built on tf.layers / tf.sequential / tf.model, and suites that use none of layers' names.
    expect(report.layersUsers).toEqual(expect.arrayContaining(["count-params", "freeze-layers", "gru", "lstm", "mnist-mlp", "model-summary"]));
    for (const id of ["dense", "mse", "activations", "conv2d", "optimizers"]) expect(report.layersUsers, id).not.toContain(id);
    const marked = (id: string) => /export const usesTfLayers = true;\s*$/.test(readFileSync(join(out, "checks", `${id}.js`), "utf8"));
    expect(marked("lstm")).toBe(true);
    expect(marked("dense")).toBe(false);
    for (const id of readdirSync(join(out, "checks")).map((f) => f.replace(/\.js$/, ""))) expect(marked(id), id).toBe(report.layersUsers.includes(id));
  });

  it("find layers' names as a bundle uses them, not as words in its text", () => {
    const names = ["layers", "sequential", "model", "input"];
    expect(layerNamesUsed("e.layers.dense({units:3})", names)).toEqual(["layers"]);
    expect(layerNamesUsed("let s=e.sequential();", names)).toEqual(["sequential"]);
    expect(layerNamesUsed('e["model"]({inputs:a})', names)).toEqual(["model"]);
    expect(layerNamesUsed("f(...layers.map(l=>l.w));c.inputs.map(x=>x);`Return { layers: [{ w, b }] }: the model's input has ${n} values`;let o={model:m}", names)).toEqual([]);
  });

  it("include the Run worker under its content hash, byte for byte the same", () => {
    expect(report.runWorker).toMatch(/^run-worker\.[0-9a-f]{16}\.js$/);
    expect(readFileSync(join(out, report.runWorker), "utf8")).toBe(readFileSync(join(out, "run-worker.js"), "utf8"));
  });
});

describe("the public assets: hashed names, cached for good, precompressed (server/static-files.ts)", () => {
  const pub = mkdtempSync(join(tmpdir(), "gradlab-static-"));
  let url = "";
  let close: () => void = () => {};
  const editor = "export const editor = 1;\n".repeat(400);
  let monacoDir = "";

  beforeAll(async () => {
    const { hashDir, precompress } = await import("../../app/_build/fingerprint.ts");
    const { serveStaticAsset } = await import("../../server/static-files.ts");
    const tmp = join(pub, "gradlab", "monaco");
    mkdirSync(tmp, { recursive: true });
    writeFileSync(join(tmp, "editor.js"), editor);
    monacoDir = `monaco.${hashDir(tmp)}`;
    const { renameSync } = await import("node:fs");
    renameSync(tmp, join(pub, "gradlab", monacoDir));
    writeFileSync(join(pub, "gradlab", "esbuild.0123456789abcdef.wasm"), Buffer.alloc(4096, 7));
    writeFileSync(join(pub, "gradlab", "manifest.json"), "{}");
    await precompress(join(pub, "gradlab"));
    const { createServer } = await import("node:http");
    // What the web server does: hashed assets here, everything else (pages, unhashed files) by Next.
    const server = createServer(async (req, res) => {
      if (await serveStaticAsset(req, res, pub)) return;
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "private, no-cache, no-store, max-age=0, must-revalidate" });
      res.end("<!doctype html><p>page</p>");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    close = () => server.close();
  });
  afterAll(() => {
    close();
    rmSync(pub, { recursive: true, force: true });
  });

  // node:http's client leaves the body as sent (fetch would decode it and drop the header).
  const get = async (path: string, acceptEncoding: string) => {
    const { request } = await import("node:http");
    return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      request(`${url}${path}`, { headers: { "Accept-Encoding": acceptEncoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      }).on("error", reject).end();
    });
  };

  it("a folder's name carries the hash of its contents", async () => {
    const { hashDir } = await import("../../app/_build/fingerprint.ts");
    const a = mkdtempSync(join(tmpdir(), "gradlab-hash-"));
    writeFileSync(join(a, "x.js"), "1");
    const before = hashDir(a);
    writeFileSync(join(a, "x.js"), "2");
    expect(hashDir(a)).not.toBe(before);
    expect(before).toMatch(/^[0-9a-f]{16}$/);
    rmSync(a, { recursive: true, force: true });
  });

  it("sends a hashed file as immutable, precompressed with brotli (else gzip, else as is)", async () => {
    const { brotliDecompressSync, gunzipSync } = await import("node:zlib");
    const br = await get(`/gradlab/${monacoDir}/editor.js`, "gzip, deflate, br, zstd");
    expect(br.status).toBe(200);
    expect(br.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(br.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toBe("Accept-Encoding");
    expect(br.body.length).toBeLessThan(editor.length / 10);
    expect(brotliDecompressSync(br.body).toString()).toBe(editor);
    const gz = await get(`/gradlab/${monacoDir}/editor.js`, "gzip");
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.body).toString()).toBe(editor);
    const plain = await get(`/gradlab/${monacoDir}/editor.js`, "identity, br;q=0");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.toString()).toBe(editor);
  });

  it("sends WebAssembly as application/wasm (streaming compilation, cached compiled code)", async () => {
    const r = await get("/gradlab/esbuild.0123456789abcdef.wasm", "br");
    expect(r.headers["content-type"]).toBe("application/wasm");
    expect(r.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  });

  it("leaves pages, unhashed names and anything outside public/gradlab to the app: never immutable", async () => {
    for (const p of ["/exercises/dense", "/gradlab/manifest.json", "/gradlab/monaco/editor.js", `/gradlab/${monacoDir}/../manifest.json`, `/gradlab/${monacoDir}/missing.js`, "/gradlab/run/run-worker.js"]) {
      const r = await get(p, "br");
      expect(r.headers["cache-control"], p).not.toMatch(/immutable/);
      expect(r.headers["content-type"], p).toBe("text/html; charset=utf-8");
    }
  });
});

describe("serving the Run assets", () => {
  type Ctx = typeof import("../../server/context.ts");
  let ctx: Ctx;
  let mayOpenExercise: typeof import("../../server/courses/index.ts").mayOpenExercise;
  const root = mkdtempSync(join(tmpdir(), "gradlab-run-serve-"));
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    ctx = await import("../../server/context.ts");
    const C = await import("../../server/courses/index.ts");
    mayOpenExercise = C.mayOpenExercise;
    const { addUser, issueToken } = await import("../../server/accounts.ts");
    const inst = await addUser(ctx.auth, ctx.db, "inst@run.org", "instructor");
    await addUser(ctx.auth, ctx.db, "demo@run.org", "learner");
    const instUser = { id: inst.id, email: inst.email, name: "inst", role: "instructor" as const };
    const course = C.createCourse(instUser, { title: "Run course", timeZone: "UTC" }).id;
    // The roster creates the account and enrols it.
    expect(await C.importRoster(instUser, course, "email,name\nenrolled@run.org,Enrolled\n")).toMatchObject({ ok: true, enrolled: 1 });
    for (const e of ["enrolled@run.org", "demo@run.org"]) tokens[e] = await issueToken(ctx.auth, ctx.db, e);
    const day = 86_400_000;
    const local = (d: Date) => d.toISOString().slice(0, 16);
    await C.createAssignment(instUser, course, { title: "Open", exerciseIds: ["dense"], releaseAt: local(new Date(Date.now() - day)) });
    await C.createAssignment(instUser, course, { title: "Later", exerciseIds: ["conv2d"], releaseAt: local(new Date(Date.now() + 5 * day)) });
    const dir = join(root, RUN_ASSETS_DIR);
    for (const f of ["run-worker.js", "run-worker.0123456789abcdef.js", "sandbox-worker.js", "chunks/chunk-ABC123.js", "checks/dense.js", "checks/conv2d.js", "drivers/conv2d.js"]) {
      mkdirSync(join(dir, f, ".."), { recursive: true });
      writeFileSync(join(dir, f), `// ${f}\n`);
    }
  }, 60_000);
  afterAll(async () => (await import("../../db/client.ts")).closeAllDbs());

  const rules = () => ({
    user: (r: Request) => ctx.sessionUser(r.headers),
    mayOpen: async (u: { id: string }, id: string) => !!(await ctx.findExercise(id)) && mayOpenExercise(u as Parameters<typeof mayOpenExercise>[0], id),
  });
  const get = (path: string, who?: string, headers: Record<string, string> = {}) =>
    serveRunAsset(new Request(`http://localhost/gradlab/run/${path}`, { headers: { ...(who ? { Authorization: `Bearer ${tokens[who]}` } : {}), ...headers } }), path.split("/"), rules(), root);

  it("anonymous requests get 401, for every kind of asset", async () => {
    for (const p of ["checks/dense.js", "drivers/conv2d.js", "run-worker.js", "run-worker.0123456789abcdef.js", "chunks/chunk-ABC123.js", "checks/no-such.js"]) expect((await get(p)).status, p).toBe(401);
  });

  it("a learner gets an exercise's checks only while they may open it: unreleased or unknown is 404", async () => {
    expect((await get("checks/dense.js", "enrolled@run.org")).status).toBe(200);
    expect((await get("checks/conv2d.js", "enrolled@run.org")).status).toBe(404); // released in 5 days
    expect((await get("drivers/conv2d.js", "enrolled@run.org")).status).toBe(404);
    expect((await get("checks/softmax-cross-entropy.js", "enrolled@run.org")).status).toBe(404); // not in their course
    expect((await get("checks/conv2d.js", "demo@run.org")).status).toBe(200); // in no course: the open catalogue
    expect((await get("checks/no-such.js", "demo@run.org")).status).toBe(404);
  });

  it("answers with script headers that keep it out of shared caches, and revalidates", async () => {
    const r = await get("checks/dense.js", "enrolled@run.org");
    expect(r.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(r.headers.get("cache-control")).toBe("private, no-cache");
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await r.text()).toBe("// checks/dense.js\n");
    expect((await get("checks/dense.js", "enrolled@run.org", { "If-None-Match": r.headers.get("etag")! })).status).toBe(304);
    expect((await get("chunks/chunk-ABC123.js", "enrolled@run.org")).headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    // The Run worker under its content hash is kept for good (per user: never in a shared cache); the plain name revalidates.
    expect((await get("run-worker.0123456789abcdef.js", "enrolled@run.org")).headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    expect((await get("run-worker.js", "enrolled@run.org")).headers.get("cache-control")).toBe("private, no-cache");
    const sandbox = await get("sandbox-worker.js", "enrolled@run.org");
    expect(sandbox.headers.get("content-security-policy")).toBe(SANDBOX_CSP);
    expect(SANDBOX_CSP).toMatch(/connect-src 'none'/);
    expect(SANDBOX_CSP).not.toMatch(/'self'/);
  });

  it("names only the files it serves (no traversal, no other folder)", () => {
    expect(runAssetOf(["..", "..", "package.json"])).toBeUndefined();
    expect(runAssetOf(["checks", "..%2F..%2Fsecret.js"])).toBeUndefined();
    expect(runAssetOf(["checks", ".hidden.js"])).toBeUndefined();
    expect(runAssetOf(["manifest.json"])).toBeUndefined();
    expect(runAssetOf(["checks", "a", "b.js"])).toBeUndefined();
    expect(runAssetOf(["run-worker.0123456789ABCDEF.js"])).toBeUndefined();
    expect(runAssetOf(["run-worker.0123456789abcdef.js"])).toEqual({ file: "run-worker.0123456789abcdef.js", immutable: true });
    expect(runAssetOf(["checks", "dense.js"])).toEqual({ file: "checks/dense.js", exercise: "dense", immutable: false });
  });
});
