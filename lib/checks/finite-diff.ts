/**
 * Centred finite differences of the learner's OWN forward, compared with the learner's
 * backward: tells the learner whether their backward agrees with their forward, independently
 * of any reference. L(x) = sum(forward(x) * dy), so dL/dx is exactly what backward(dy) returns.
 */
import { Tensor } from "../nd/index.ts";
import { CheckFailure } from "./failure.ts";
import { asNumberResult, asTensorResult, indexLabel } from "./results.ts";
import { describeTolerance, FD_STEP, isClose, VS_FINITE_DIFF, VS_FINITE_DIFF_FLOAT32 } from "./tolerance.ts";
import { fmt } from "./compare.ts";
import { en } from "../messages/text.ts";

export interface FiniteDiffSpec {
  /** Name of the argument differentiated, as the learner knows it ("x", "w"). */
  wrt: string;
  /** The label of the learner's gradient ("denseBackward(...).dw"). */
  gradLabel: string;
  /** The point: the argument's value. Not modified. */
  at: Tensor;
  /** The learner's gradient at that point (already validated for shape). */
  grad: Tensor;
  /** Evaluates the learner's forward with the argument replaced, returning the output. */
  forward: (x: Tensor) => Promise<unknown>;
  /** Upstream gradient dy (same shape as forward's output); omitted for scalar forwards. */
  dy?: Tensor;
  /** Check at most this many elements (spread across the tensor). */
  maxElements?: number;
  forwardLabel: string;
}

/** Unit roundoff of float32: a float32 forward's values are accurate to about this, relatively. */
const FLOAT32_EPS = 2 ** -24;
/** A step large enough that float32 rounding does not swamp the difference (smooth forwards stay exact to ~h²). */
const FD_STEP_FLOAT32 = 1e-2;
/** Rounding in a float32 forward accumulates over its sums: allow this many units of it. */
const FLOAT32_ROUNDING_UNITS = 32;

interface Evaluation {
  loss: number;
  /** Σ|y·dy|: what rounding errors in the loss scale with. */
  magnitude: number;
  /** Every value exactly a float32 (and not all integers): the forward computed in float32. */
  float32: boolean;
}

function isFloat32Output(data: ArrayLike<number>): boolean {
  let fractional = false;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (Math.fround(v) !== v) return false;
    if (!Number.isInteger(v)) fractional = true;
  }
  return fractional;
}

function evaluate(out: unknown, dy: Tensor | undefined, label: string): Evaluation {
  if (!dy) {
    const v = asNumberResult(label, out);
    return { loss: v, magnitude: Math.abs(v), float32: isFloat32Output([v]) };
  }
  const y = asTensorResult(label, out, dy.shape);
  let s = 0;
  let m = 0;
  for (let i = 0; i < y.data.length; i++) {
    const t = y.data[i] * dy.data[i];
    s += t;
    m += Math.abs(t);
  }
  return { loss: s, magnitude: m, float32: isFloat32Output(y.data) };
}

/**
 * Throws a CheckFailure naming the element where backward disagrees with forward's slope.
 * A forward that computes in float32 (Float32Array, as tfjs does) is measured with a larger step
 * and a float32 tolerance, so a correct float32 backward passes. A forward whose values are
 * noisy without being float32 gets a message that says so, not "the bug is in the backward".
 */
export async function expectGradMatchesForward(spec: FiniteDiffSpec): Promise<void> {
  const n = spec.at.data.length;
  const max = spec.maxElements ?? 48;
  const stride = n <= max ? 1 : n / max;
  // Float32 outputs are evidence of a float32 forward only when the point itself is not float32
  // (max-pool or ReLU of float32 inputs returns float32 values in float64 arithmetic too).
  const float32 = n > 0 && !isFloat32Output(spec.at.data) && evaluate(await spec.forward(spec.at), spec.dy, spec.forwardLabel).float32;

  /** The point with element i moved by d. */
  const moved = (i: number, d: number) => {
    const x = new Tensor(spec.at.data.slice(), spec.at.shape.slice());
    x.data[i] += d;
    return x;
  };
  /** Centred difference with step h from the evaluations at +h and -h, and the rounding noise it may carry. */
  const slopeFrom = (p: Evaluation, m: Evaluation, h: number, lowPrecision: boolean) => {
    // Differences carry rounding of order eps·|L|/h: widen atol by that much.
    const noise = lowPrecision
      ? (FLOAT32_ROUNDING_UNITS * FLOAT32_EPS * Math.max(p.magnitude, m.magnitude, 1)) / h
      : (10 * 1e-15 * Math.max(Math.abs(p.loss), Math.abs(m.loss), 1)) / h;
    return { numeric: (p.loss - m.loss) / (2 * h), noise };
  };
  const evaluated = (out: unknown) => evaluate(out, spec.dy, spec.forwardLabel);
  /** One probe on its own (the rare second looks at a disagreement). */
  const slope = async (i: number, h: number, lowPrecision: boolean) => {
    const p = evaluated(await spec.forward(moved(i, h)));
    return slopeFrom(p, evaluated(await spec.forward(moved(i, -h))), h, lowPrecision);
  };

  const f64Tol = { rtol: VS_FINITE_DIFF.rtol * 10, atol: VS_FINITE_DIFF.atol };
  const probes = Array.from({ length: Math.min(n, max) }, (_, k) => {
    const i = Math.floor(k * stride);
    const scale = Math.max(1, Math.abs(spec.at.data[i]));
    return { i, scale, h: (float32 ? FD_STEP_FLOAT32 : FD_STEP) * scale };
  });
  // Every probe's forward issued at once: a learner in a sandbox answers them as one batch (see
  // Learner), in this order, stopping at the first call that fails. The outputs are then read in
  // the order sequential probes would have read them, so the first problem reported is the same.
  const outputs = await Promise.allSettled(probes.flatMap(({ i, h }) => [moved(i, h), moved(i, -h)].map(async (x) => spec.forward(x))));
  const output = (k: number): unknown => {
    const r = outputs[k];
    if (r.status === "rejected") throw r.reason;
    return r.value;
  };
  let anySlope = false;
  for (const [k, { i, scale, h }] of probes.entries()) {
    const tol = float32 ? VS_FINITE_DIFF_FLOAT32 : f64Tol;
    const plus = evaluated(output(2 * k));
    const { numeric, noise } = slopeFrom(plus, evaluated(output(2 * k + 1)), h, float32);
    const analytic = spec.grad.data[i];
    if (numeric !== 0 || analytic !== 0) anySlope = true;
    if (isClose(numeric, analytic, { rtol: tol.rtol, atol: tol.atol + noise })) continue;
    const where = `${spec.gradLabel}${indexLabel(spec.at.shape, i)}`;
    if (!float32) {
      // Fine slopes that disagree with each other and a coarse one that agrees with backward: the
      // forward's values are noisy (low precision), the backward is not what is wrong.
      const twice = await slope(i, 2 * h, false);
      const noisy = !isClose(twice.numeric, numeric, { rtol: f64Tol.rtol, atol: f64Tol.atol + noise + twice.noise });
      const coarse = noisy ? await slope(i, FD_STEP_FLOAT32 * scale, true) : undefined;
      if (coarse && isClose(coarse.numeric, analytic, { rtol: VS_FINITE_DIFF_FLOAT32.rtol, atol: VS_FINITE_DIFF_FLOAT32.atol + coarse.noise })) {
        throw new CheckFailure(
          en`${where} = ${fmt(analytic)} agrees with your own ${spec.forwardLabel} at a coarse step (${fmt(coarse.numeric)}) but not at a fine one (${fmt(numeric)}, step ${h.toExponential(1)}): your forward's values are only accurate to about 7 digits, as float32 arithmetic (Float32Array, Math.fround) gives. This exercise needs float64 so that the slope of your forward can be measured.`,
          { hint: en`Compute in float64: plain numbers, Float64Array or gradlab/nd tensors (all float64), not Float32Array or Math.fround. Your backward looks consistent with your forward.` },
        );
      }
    }
    const step = h.toExponential(1);
    throw new CheckFailure(
      float32
        ? en`${where} = ${fmt(analytic)} disagrees with your own ${spec.forwardLabel}: centred differences give ${fmt(numeric)} (step ${step}, ${describeTolerance(tol)}; your ${spec.forwardLabel} returns float32 values, so the step is larger and the tolerance is float32's).`
        : en`${where} = ${fmt(analytic)} disagrees with your own ${spec.forwardLabel}: centred differences give ${fmt(numeric)} (step ${step}, ${describeTolerance(tol)}).`,
      { hint: en`Your backward is not the derivative of your forward with respect to ${spec.wrt}. If your forward is right (see the forward checks), the bug is in the backward.` },
    );
  }
  if (!anySlope && n > 0) {
    throw new CheckFailure(en`Your ${spec.forwardLabel} does not change at all when ${spec.wrt} changes, and ${spec.gradLabel} is all zeros: there is nothing to compare yet.`, {
      hint: en`Implement ${spec.forwardLabel} first; this check then tells you whether your backward matches it.`,
    });
  }
}

export interface BackwardSpec<K extends string, I extends string> {
  /** The backward's result object, already validated to hold every key of `grads`. */
  backward: Record<string, unknown>;
  /** Which forward input each gradient differentiates: { dx: "x", dw: "w" }. */
  grads: Record<K, I>;
  /** The forward's tensor inputs at the checked point (not modified). */
  inputs: Record<I, Tensor>;
  /** Evaluates the learner's forward on (a perturbed copy of) the inputs. */
  forward: (inputs: Record<I, Tensor>) => Promise<unknown>;
  forwardLabel: string;
  /** Put before each gradient's key in messages (e.g. "conv2dBackward(…)."). */
  gradLabelPrefix?: string;
  dy?: Tensor;
  maxElements?: number;
}

/**
 * Every gradient a backward returned, against centred differences of the learner's own forward
 * with just that one input perturbed: the check each layer exercise runs on its backward.
 */
export async function expectBackwardMatchesForward<K extends string, I extends string>(spec: BackwardSpec<K, I>): Promise<void> {
  for (const key of Object.keys(spec.grads) as K[]) {
    const wrt = spec.grads[key];
    const at = spec.inputs[wrt];
    await expectGradMatchesForward({
      wrt,
      gradLabel: `${spec.gradLabelPrefix ?? ""}${key}`,
      forwardLabel: spec.forwardLabel,
      at,
      grad: asTensorResult(key, spec.backward[key], at.shape),
      dy: spec.dy,
      maxElements: spec.maxElements,
      forward: (v) => spec.forward({ ...spec.inputs, [wrt]: v }),
    });
  }
}
