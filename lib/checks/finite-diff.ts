/**
 * Float64 centred finite differences of the learner's OWN forward, compared with the learner's
 * backward: tells the learner whether their backward agrees with their forward, independently
 * of any reference. L(x) = sum(forward(x) * dy), so dL/dx is exactly what backward(dy) returns.
 */
import { Tensor } from "../nd/index.ts";
import { CheckFailure } from "./failure.ts";
import { asNumberResult, asTensorResult, indexLabel } from "./learner.ts";
import { describeTolerance, FD_STEP, VS_FINITE_DIFF } from "./tolerance.ts";
import { fmt, isClose } from "./compare.ts";

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

function lossOf(out: unknown, dy: Tensor | undefined, label: string): number {
  if (!dy) return asNumberResult(label, out);
  const y = asTensorResult(label, out, dy.shape);
  let s = 0;
  for (let i = 0; i < y.data.length; i++) s += y.data[i] * dy.data[i];
  return s;
}

/** Throws a CheckFailure naming the element where backward disagrees with forward's slope. */
export async function expectGradMatchesForward(spec: FiniteDiffSpec): Promise<void> {
  const n = spec.at.data.length;
  const max = spec.maxElements ?? 48;
  const step = n <= max ? 1 : n / max;
  const tol = VS_FINITE_DIFF;
  let anySlope = false;
  for (let k = 0; k < Math.min(n, max); k++) {
    const i = Math.floor(k * step);
    const plus = new Tensor(spec.at.data.slice(), spec.at.shape.slice());
    const minus = new Tensor(spec.at.data.slice(), spec.at.shape.slice());
    const h = FD_STEP * Math.max(1, Math.abs(spec.at.data[i]));
    plus.data[i] += h;
    minus.data[i] -= h;
    const lp = lossOf(await spec.forward(plus), spec.dy, spec.forwardLabel);
    const lm = lossOf(await spec.forward(minus), spec.dy, spec.forwardLabel);
    const numeric = (lp - lm) / (2 * h);
    const analytic = spec.grad.data[i];
    if (numeric !== 0 || analytic !== 0) anySlope = true;
    // Differences carry rounding of order eps·|L|/h: widen atol by that much.
    const noise = (1e-15 * Math.max(Math.abs(lp), Math.abs(lm), 1)) / h;
    if (!isClose(numeric, analytic, { rtol: tol.rtol * 10, atol: tol.atol + noise * 10 })) {
      throw new CheckFailure(
        `${spec.gradLabel}${indexLabel(spec.at.shape, i)} = ${fmt(analytic)} disagrees with your own ${spec.forwardLabel}: ` +
          `centred differences give ${fmt(numeric)} (step ${h.toExponential(1)}, ${describeTolerance({ rtol: tol.rtol * 10, atol: tol.atol })}).`,
        { hint: `Your backward is not the derivative of your forward with respect to ${spec.wrt}. If your forward is right (see the forward checks), the bug is in the backward.` },
      );
    }
  }
  if (!anySlope && n > 0) {
    throw new CheckFailure(`Your ${spec.forwardLabel} does not change at all when ${spec.wrt} changes, and ${spec.gradLabel} is all zeros: there is nothing to compare yet.`, {
      hint: `Implement ${spec.forwardLabel} first; this check then tells you whether your backward matches it.`,
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
