/**
 * Comparing a learner's result with a reference, in a fixed order: missing → type → shape →
 * non-finite → values. One argument order everywhere: (label, expected, got, options).
 */
import { Tensor } from "../nd/index.ts";
import { CheckFailure } from "./failure.ts";
import { GENERIC_HINTS, type HintRule } from "./hints.ts";
import { asNumberResult, asTensorResult, indexLabel } from "./results.ts";
import { describe } from "./describe.ts";
import { describeTolerance, isClose, toleranceRatio, VS_TFJS, VS_TFJS_RELATIVE, type Tolerance } from "./tolerance.ts";
import { en } from "../messages/text.ts";

export interface CompareOptions {
  tol?: Tolerance;
  /** What the reference is, for the message ("tfjs", "finite differences of your forward"). */
  against?: string;
  /** Exercise-specific hint rules, tried before the generic ones. */
  hints?: HintRule[];
}

export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e6 ? String(Number(x.toPrecision(6))) : x.toExponential(4);
}

/** Per-element error over tolerance, folded to 2-D for a heatmap (rows × last axis); `shape` names each cell as the messages do. */
function heatmap(expected: Tensor, got: Tensor, tol: Tolerance): { rows: number; cols: number; values: number[]; shape: number[] } | undefined {
  const n = expected.data.length;
  if (n === 0 || n > 4096) return undefined;
  const cols = expected.shape.length ? expected.shape[expected.shape.length - 1] : 1;
  const values: number[] = new Array(n);
  for (let i = 0; i < n; i++) values[i] = toleranceRatio(expected.data[i], got.data[i], tol);
  return { rows: n / Math.max(cols, 1), cols, values, shape: expected.shape.slice() };
}

/** Fail unless `got` is a tensor of expected's shape whose values are all close. */
export function expectClose(label: string, expected: Tensor, got: unknown, opts: CompareOptions = {}): Tensor {
  const tol = opts.tol ?? VS_TFJS;
  const t = asTensorResult(label, got, expected.shape);
  let first = -1;
  let worst = -1;
  let worstRatio = 0;
  let count = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const e = expected.data[i];
    const g = t.data[i];
    if (!isClose(e, g, tol)) {
      count++;
      if (first < 0) first = i;
      const ratio = toleranceRatio(e, g, tol);
      if (!(ratio <= worstRatio)) {
        worstRatio = ratio;
        worst = i;
      }
    }
  }
  if (first < 0) return t;
  const at = (i: number) => `${label}${indexLabel(expected.shape, i)}`;
  const [e, g, n, against, within] = [fmt(expected.data[first]), fmt(t.data[first]), expected.data.length, opts.against ?? en`the reference`, describeTolerance(tol)];
  const msg =
    worst !== first && worst >= 0
      ? en`${at(first)} is wrong: expected ${e}, got ${g} (${count} of ${n} elements differ from ${against} by more than ${within}); the worst is ${at(worst)}: expected ${fmt(expected.data[worst])}, got ${fmt(t.data[worst])}.`
      : en`${at(first)} is wrong: expected ${e}, got ${g} (${count} of ${n} elements differ from ${against} by more than ${within}).`;
  let hint: string | undefined;
  for (const rule of [...(opts.hints ?? []), ...GENERIC_HINTS]) {
    hint = rule(expected, t);
    if (hint) break;
  }
  const map = heatmap(expected, t, tol);
  throw new CheckFailure(msg, { hint, data: map ? { heatmap: { label, ...map } } : undefined });
}

/** Fail unless `got` is a finite number close to `expected`. */
export function expectNumberClose(label: string, expected: number, got: unknown, opts: CompareOptions & { hint?: (expected: number, got: number) => string | undefined } = {}): number {
  const tol = opts.tol ?? VS_TFJS;
  const g = asNumberResult(label, got);
  if (isClose(expected, g, tol)) return g;
  let hint = opts.hint?.(expected, g);
  if (!hint && expected !== 0 && isClose(-1, g / expected, VS_TFJS_RELATIVE)) hint = en`Right size, opposite sign.`;
  throw new CheckFailure(en`${label} is wrong: expected ${fmt(expected)}, got ${fmt(g)} (compared with ${opts.against ?? en`the reference`} within ${describeTolerance(tol)}).`, { hint });
}

/** Fail unless two exact integer values agree. */
export function expectEqual(label: string, expected: number | string | boolean, got: unknown, hint?: string): void {
  if (got !== expected) {
    throw new CheckFailure(en`${label} is wrong: expected ${JSON.stringify(expected)}, got ${typeof got === "number" || typeof got === "string" || typeof got === "boolean" ? JSON.stringify(got) : describeShort(got)}.`, { hint });
  }
}

function describeShort(v: unknown): string {
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (v instanceof Tensor) return en`a tensor of shape [${v.shape}]`;
  return describe(v);
}
