/**
 * Learner TypeScript → a script for the isolate. esbuild strips types (no type checking: the
 * editor does that) and turns `import ... from "gradlab/nd"` into a `require` that only the
 * harness answers. A source map brings error positions back to the learner's own lines.
 */
import { transform, type Message } from "esbuild";
import { TraceMap, originalPositionFor } from "@jridgewell/trace-mapping";
import { LEARNER_SCRIPT } from "./names.ts";

export { LEARNER_SCRIPT };

export type Transpiled =
  | { ok: true; script: string; mapLocation: (stack: string) => string | undefined }
  | { ok: false; message: string };

function wrap(js: string, kind: "learner" | "driver"): string {
  // Everything before the code sits on line 1, so generated line numbers stay the source map's.
  return `(function(){var module={exports:{}};(function(module,exports,require){${js}\n}).call(undefined,module,module.exports,__gradlab_require);__gradlab_define(${JSON.stringify(kind)},module.exports);})();`;
}

const PREFIX_COLUMNS = wrap("", "learner").indexOf("{", wrap("", "learner").indexOf("require)")) + 1;

function formatEsbuildError(m: Message, filename: string): string {
  const loc = m.location;
  if (!loc) return `${filename}: ${m.text}`;
  const caret = loc.lineText ? `\n  ${loc.lineText}\n  ${" ".repeat(loc.column)}^` : "";
  return `${filename}:${loc.line}:${loc.column + 1}: ${m.text}${caret}`;
}

/**
 * Recent results by content (a regrade, a resubmission, validation): transpiling is pure. Keyed
 * by the source itself (this module also runs in the browser), so only modest sources are kept.
 */
const CACHE_SIZE = 32;
const CACHE_MAX_CHARS = 64 * 1024;
const recent = new Map<string, Promise<Transpiled>>();
const transient = new WeakSet<Transpiled>();

const keyOf = (code: string, filename: string) => `${filename}\0${code}`;

/** Keep `p` as the newest result for `key`, forgetting the oldest beyond CACHE_SIZE. */
function remember(key: string, p: Promise<Transpiled>): Promise<Transpiled> {
  recent.delete(key);
  if (recent.size >= CACHE_SIZE) recent.delete(recent.keys().next().value!);
  recent.set(key, p);
  return p;
}

export function transpileLearner(code: string, filename = "solution.ts"): Promise<Transpiled> {
  if (code.length > CACHE_MAX_CHARS) return transpileUncached(code, filename);
  const key = keyOf(code, filename);
  const kept = recent.get(key);
  if (kept) return remember(key, kept);
  const p = remember(key, transpileUncached(code, filename));
  // Keep results and compile errors; forget a transpiler failure (it may not happen again).
  void p.then((r) => {
    if (!r.ok && transient.has(r) && recent.get(key) === p) recent.delete(key);
  });
  return p;
}

/**
 * esbuild's own output for a module (before the wrapper): what the server hands the browser's Run
 * for the code its page opens with (app/_run/run-main.ts seeds it), so that Run on that code needs
 * no transpiler in the browser yet. The same esbuild version either side gives the same text.
 */
export interface EsbuildOutput {
  js: string;
  map: string;
}

async function esbuildOutput(code: string, filename: string): Promise<EsbuildOutput | { message: string; transient: boolean }> {
  try {
    const out = await transform(code, {
      loader: filename.endsWith(".js") ? "js" : "ts",
      format: "cjs",
      target: "es2022",
      sourcemap: "external",
      sourcefile: filename,
      logLevel: "silent",
    });
    return { js: out.code, map: out.map };
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    if (errors?.length) return { message: errors.slice(0, 5).map((m) => formatEsbuildError(m, filename)).join("\n"), transient: false };
    return { message: `${filename}: could not be compiled: ${(e as Error).message}`, transient: true };
  }
}

/** esbuild's output for `code`, or undefined when it does not compile (the browser then reports that itself). */
export async function esbuildOutputOf(code: string, filename = "solution.ts"): Promise<EsbuildOutput | undefined> {
  const out = await esbuildOutput(code, filename);
  return "js" in out ? out : undefined;
}

function fromOutput(out: EsbuildOutput, filename: string): Transpiled {
  const map = new TraceMap(out.map);
  const mapLocation = (stack: string): string | undefined => {
    const m = new RegExp(`${LEARNER_SCRIPT.replace(".", "\\.")}:(\\d+):(\\d+)`).exec(stack);
    if (!m) return undefined;
    const line = Number(m[1]);
    let column = Number(m[2]) - 1;
    if (line === 1) column -= PREFIX_COLUMNS;
    const pos = originalPositionFor(map, { line, column: Math.max(0, column) });
    if (pos.line == null) return undefined;
    return `${filename}:${pos.line}:${(pos.column ?? 0) + 1}`;
  };
  return { ok: true, script: wrap(out.js, "learner"), mapLocation };
}

async function transpileUncached(code: string, filename: string): Promise<Transpiled> {
  const out = await esbuildOutput(code, filename);
  if ("js" in out) return fromOutput(out, filename);
  const failed: Transpiled = { ok: false, message: out.message };
  if (out.transient) transient.add(failed);
  return failed;
}

/** A result already at hand for this source (transpiled before, or seeded), else undefined: nothing is started. */
export function transpiledAlready(code: string, filename = "solution.ts"): Promise<Transpiled> | undefined {
  return code.length > CACHE_MAX_CHARS ? undefined : recent.get(keyOf(code, filename));
}

/** Keep esbuild's output for `code`, made elsewhere (the server, for the browser's Run), as its result here. */
export function seedTranspiled(code: string, out: EsbuildOutput, filename = "solution.ts"): Promise<Transpiled> | undefined {
  return code.length > CACHE_MAX_CHARS ? undefined : remember(keyOf(code, filename), Promise.resolve(fromOutput(out, filename)));
}

export { wrap as wrapModule };
