/**
 * numpy-style pretty printing used by `Tensor.prototype.toString`.
 *
 * @module
 */

import { formatShape, shapeSize } from "./util.ts";

/** Tensors with more elements than this are summarised with `...`. */
export const PRINT_THRESHOLD = 1000;
/** Number of leading and trailing entries kept per axis when summarising. */
export const PRINT_EDGE_ITEMS = 3;
/** Soft maximum line width before a row wraps. */
export const PRINT_LINE_WIDTH = 75;

/** Positions kept along an axis of size `n`; `-1` marks the `...` gap. */
function keptPositions(n: number, summarise: boolean): number[] {
  if (!summarise || n <= 2 * PRINT_EDGE_ITEMS) return Array.from({ length: n }, (_, i) => i);
  const head = Array.from({ length: PRINT_EDGE_ITEMS }, (_, i) => i);
  const tail = Array.from({ length: PRINT_EDGE_ITEMS }, (_, i) => n - PRINT_EDGE_ITEMS + i);
  return [...head, -1, ...tail];
}

/** Decimals left in `s` after removing trailing zeros of its fractional part. */
function decimalsNeeded(s: string): number {
  const m = /\.(\d*?)0*(?:e|$)/.exec(s);
  return m ? m[1]!.length : 0;
}

/**
 * Decide how numbers are written, numpy style: one shared format for the whole
 * tensor. Integers print plainly; other values get the fewest decimals (at
 * most 4) that show every value, switching to exponent notation for very
 * large or small magnitudes.
 */
function makeNumberFormatter(values: number[]): (v: number) => string {
  const finite = values.filter((v) => Number.isFinite(v));
  const allInt = finite.every((v) => Number.isInteger(v) && Math.abs(v) < 1e16);
  const nonzero = finite.filter((v) => v !== 0).map(Math.abs);
  const maxAbs = nonzero.length ? Math.max(...nonzero) : 0;
  const minAbs = nonzero.length ? Math.min(...nonzero) : 0;
  const sci = !allInt && nonzero.length > 0 && (maxAbs >= 1e8 || minAbs < 1e-4);
  let digits = 0;
  if (!allInt) {
    for (const v of finite) digits = Math.max(digits, decimalsNeeded(sci ? v.toExponential(4) : v.toFixed(4)));
    if (!sci) digits = Math.max(digits, 1);
  }
  return (v: number): string => {
    if (Number.isNaN(v)) return "NaN";
    if (v === Infinity) return "Infinity";
    if (v === -Infinity) return "-Infinity";
    if (allInt) return String(v === 0 ? 0 : v);
    const s = sci ? v.toExponential(digits) : v.toFixed(digits);
    return Number(s) === 0 ? s.replace("-", "") : s;
  };
}

/**
 * Render a row-major buffer of the given shape as a numpy-like string,
 * e.g. `tensor([[1, 2],\n        [3, 4]])`. Large tensors (more than
 * {@link PRINT_THRESHOLD} elements) show only the first and last
 * {@link PRINT_EDGE_ITEMS} entries of each axis, separated by `...`.
 * Empty tensors print as `tensor([], shape=[2,0])`.
 *
 * @example
 * formatTensor(new Float64Array([1, 2, 3, 4]), [2, 2]);
 * // tensor([[1, 2],
 * //         [3, 4]])
 * @param data - Row-major values.
 * @param shape - Shape of the data.
 * @param prefix - Function-like name printed before the brackets.
 */
export function formatTensor(data: ArrayLike<number>, shape: readonly number[], prefix = "tensor"): string {
  const size = shapeSize(shape);
  if (shape.length === 0) return `${prefix}(${makeNumberFormatter([data[0]!])(data[0]!)})`;
  if (size === 0) return `${prefix}([], shape=${formatShape(shape)})`;

  const summarise = size > PRINT_THRESHOLD;
  const kept = shape.map((n) => keptPositions(n, summarise));
  const strides: number[] = [];
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }

  // Gather every printed value first so they share one format and width.
  const shown: number[] = [];
  const collect = (axis: number, offset: number): void => {
    for (const p of kept[axis]!) {
      if (p < 0) continue;
      const o = offset + p * strides[axis]!;
      if (axis === shape.length - 1) shown.push(data[o]!);
      else collect(axis + 1, o);
    }
  };
  collect(0, 0);
  const fmt = makeNumberFormatter(shown);
  const width = Math.max(...shown.map((v) => fmt(v).length));
  const pad = (v: number): string => fmt(v).padStart(width);

  const base = prefix.length + 1; // column of the outermost "["
  const render = (axis: number, offset: number): string => {
    const indent = " ".repeat(base + axis + 1);
    if (axis === shape.length - 1) {
      const items = kept[axis]!.map((p) => (p < 0 ? "..." : pad(data[offset + p * strides[axis]!]!)));
      let line = "";
      let out = "[";
      let col = base + axis + 1;
      items.forEach((item, i) => {
        const piece = i < items.length - 1 ? `${item}, ` : item;
        if (line.length > 0 && col + piece.trimEnd().length + 1 > PRINT_LINE_WIDTH) {
          out += `${line.trimEnd()}\n${indent}`;
          line = "";
          col = base + axis + 1;
        }
        line += piece;
        col += piece.length;
      });
      return `${out + line}]`;
    }
    const newlines = "\n".repeat(shape.length - axis - 1);
    const parts = kept[axis]!.map((p) => (p < 0 ? "..." : render(axis + 1, offset + p * strides[axis]!)));
    return `[${parts.join(`,${newlines}${indent}`)}]`;
  };
  return `${prefix}(${render(0, 0)})`;
}
