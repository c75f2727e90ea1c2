/**
 * Gradient clipping in float64 with switchable mistakes, for hints only. Server-only (*.host.ts):
 * with no mistake switched on this is the whole exercise, so the browser's Run gets a stub.
 */
import { Tensor } from "gradlab/nd";
import type { ClipSpec } from "./ref.ts";

export interface ClipMistakes {
  /** The norm: right ("global"), without the square root, or the sum of each tensor's norm. */
  norm?: "global" | "squared" | "sum-of-norms";
  /** Each tensor clipped by its own norm (Keras clipnorm, tf.clip_by_norm). */
  perTensor?: boolean;
  /** Always rescaled to clipNorm, even when the norm is already below it. */
  alwaysRescale?: boolean;
  /** Value clipping only from above: min(g, clipValue). */
  upperOnly?: boolean;
  /** The step: unclipped gradients, or the update lr·g clipped instead of the gradient. */
  step?: "unclipped" | "clip-update";
}

function sumSq(ts: Tensor[]): number {
  let s = 0;
  for (const t of ts) for (const v of t.data) s += v * v;
  return s;
}

export function globalNorm64(grads: Tensor[], m: ClipMistakes = {}): number {
  if (m.norm === "squared") return sumSq(grads);
  if (m.norm === "sum-of-norms") return grads.reduce((s, g) => s + Math.sqrt(sumSq([g])), 0);
  return Math.sqrt(sumSq(grads));
}

const scaled = (g: Tensor, k: number) => new Tensor(g.data.map((v) => v * k), g.shape.slice());

/** Undefined when the mistake cannot be computed (always rescaling all-zero gradients divides 0 by 0). */
export function clip64(grads: Tensor[], clip: ClipSpec, m: ClipMistakes = {}): Tensor[] | undefined {
  if (clip.clipNorm !== undefined) {
    const c = clip.clipNorm;
    if (m.alwaysRescale && globalNorm64(grads) === 0) return undefined;
    const factor = (norm: number) => (m.alwaysRescale ? c / norm : c / Math.max(norm, c));
    if (m.perTensor) return grads.map((g) => scaled(g, factor(globalNorm64([g], m))));
    const k = factor(globalNorm64(grads, m));
    return grads.map((g) => scaled(g, k));
  }
  if (clip.clipValue !== undefined) {
    const c = clip.clipValue;
    return grads.map((g) => new Tensor(g.data.map((v) => (m.upperOnly ? Math.min(v, c) : Math.min(c, Math.max(-c, v)))), g.shape.slice()));
  }
  return grads;
}

export function sgdStep64(params: Tensor[], grads: Tensor[], h: { lr: number } & ClipSpec, m: ClipMistakes = {}): Tensor[] | undefined {
  const update =
    m.step === "unclipped" ? grads.map((g) => scaled(g, h.lr)) : m.step === "clip-update" ? clip64(grads.map((g) => scaled(g, h.lr)), h, m) : clip64(grads, h, m)?.map((g) => scaled(g, h.lr));
  if (!update) return undefined;
  return params.map((p, i) => new Tensor(p.data.map((v, j) => v - update[i].data[j]), p.shape.slice()));
}
