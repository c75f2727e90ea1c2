/** Validating what the learner's functions returned: the right kind, shape and finiteness, or a CheckFailure that says what came back. */
import { Tensor } from "../nd/index.ts";
import { flatToIndex } from "../nd/util.ts";
import { InvalidValue } from "../wire.ts";
import { describe, whyText } from "./describe.ts";
import { CheckFailure } from "./failure.ts";
import { en } from "../messages/text.ts";

// Checked in order: missing → type → shape → non-finite.

/** The returned value as a Tensor of `shape`, or a CheckFailure naming what is wrong. */
export function asTensorResult(label: string, v: unknown, shape?: number[]): Tensor {
  if (v instanceof InvalidValue) throw new CheckFailure(en`${label} returned ${whyText(v)}.`);
  if (v === undefined) throw new CheckFailure(shape ? en`${label} returned nothing (undefined); expected a tensor of shape [${shape}].` : en`${label} returned nothing (undefined); expected a tensor.`, { hint: forgotReturn() });
  if (!(v instanceof Tensor)) {
    throw new CheckFailure(shape ? en`${label} returned ${describe(v)}; expected a tensor (an nd Tensor or {shape, data}) of shape [${shape}].` : en`${label} returned ${describe(v)}; expected a tensor (an nd Tensor or {shape, data}).`);
  }
  if (shape && (v.shape.length !== shape.length || v.shape.some((d, i) => d !== shape[i]))) {
    throw new CheckFailure(en`${label} has shape [${v.shape}], expected [${shape}].`, { hint: shapeHint(v.shape, shape) });
  }
  const bad = firstNonFinite(v.data);
  if (bad >= 0) {
    throw new CheckFailure(en`${label} contains ${v.data[bad]} at ${indexLabel(v.shape, bad)}; every element must be a finite number.`, {
      hint: Number.isNaN(v.data[bad]) ? en`NaN usually comes from log(0), 0/0, or exp overflow: subtract the max before exp, clamp before log.` : en`An infinity usually comes from exp overflow or division by zero.`,
    });
  }
  return v;
}

/** The returned value as a finite number. Accepts a size-1 tensor too. */
export function asNumberResult(label: string, v: unknown): number {
  if (v instanceof InvalidValue) throw new CheckFailure(en`${label} returned ${whyText(v)}.`);
  let x = v;
  if (v instanceof Tensor && v.data.length === 1) x = v.data[0];
  if (typeof x !== "number") throw new CheckFailure(en`${label} returned ${describe(v)}; expected a number.`, x === undefined ? { hint: forgotReturn() } : {});
  if (!Number.isFinite(x)) throw new CheckFailure(en`${label} returned ${x}; expected a finite number.`);
  return x;
}

/** The returned value as an Int32Array-like list of integers of `length`. */
export function asIntsResult(label: string, v: unknown, length: number): Int32Array {
  if (v instanceof InvalidValue) throw new CheckFailure(en`${label} returned ${whyText(v)}.`);
  let data: ArrayLike<number> | undefined;
  if (v instanceof Int32Array || v instanceof Float64Array) data = v;
  else if (v instanceof Tensor) data = v.data;
  else if (Array.isArray(v)) data = v as number[];
  if (!data) throw new CheckFailure(en`${label} returned ${describe(v)}; expected an Int32Array of ${length} class ids.`);
  if (data.length !== length) throw new CheckFailure(en`${label} returned ${data.length} values; expected ${length} (one per row).`);
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    const x = data[i];
    if (typeof x !== "number" || !Number.isInteger(x)) throw new CheckFailure(en`${label}[${i}] is ${x}; expected an integer class id.`);
    out[i] = x;
  }
  return out;
}

/** A plain object result with the listed keys. */
export function asObjectResult(label: string, v: unknown, keys: string[]): Record<string, unknown> {
  if (v instanceof InvalidValue) throw new CheckFailure(en`${label} returned ${whyText(v)}.`);
  if (v === null || typeof v !== "object" || v instanceof Tensor || Array.isArray(v)) {
    throw new CheckFailure(en`${label} returned ${describe(v)}; expected an object with ${keys.map((k) => `'${k}'`).join(", ")}.`);
  }
  const o = v as Record<string, unknown>;
  const missing = keys.filter((k) => !(k in o) || o[k] === undefined);
  if (missing.length) throw new CheckFailure(en`${label} returned an object without ${missing.map((k) => `'${k}'`).join(", ")}; expected keys ${keys.map((k) => `'${k}'`).join(", ")}.`);
  return o;
}

const forgotReturn = () => en`Did you forget a \`return\`?`;

function firstNonFinite(data: Float64Array): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}

/** "[1,2]" style index of flat position `pos` in `shape`. */
export function indexLabel(shape: number[], pos: number): string {
  return `[${flatToIndex(pos, shape).join(",")}]`;
}

function shapeHint(got: number[], want: number[]): string | undefined {
  if (got.length === want.length && got.length === 2 && got[0] === want[1] && got[1] === want[0]) return en`The shape is transposed: check the order of the matmul operands or a missing transpose.`;
  if (got.length === want.length + 1 && got[got.length - 1] === 1) return en`There is an extra trailing dimension of size 1: reshape or sum it away.`;
  if (got.length + 1 === want.length) return en`A dimension is missing: did you reduce (sum/mean) along an axis you should keep?`;
  const gotN = got.reduce((a, b) => a * b, 1);
  const wantN = want.reduce((a, b) => a * b, 1);
  if (gotN === wantN) return en`Right number of elements, wrong shape: reshape to the expected shape.`;
  return undefined;
}
