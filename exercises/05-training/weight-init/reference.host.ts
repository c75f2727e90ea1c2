/**
 * The answers, server-only (*.host.ts; Run replays the results recorded from the solution's visible
 * run, see docs/authoring.md): tfjs's fans and the distribution each initialiser draws from, as
 * tfjs-layers defines them (initializers.js: computeFans, VarianceScaling), and the distributions
 * of the known mistakes. Glorot = scale 1 over the average fan, He = scale 2 over fan-in; "uniform"
 * is U(−√(3s), √(3s)); "normal" is tf.truncatedNormal with stddev √s, which redraws anything beyond
 * 2 stddev and, unlike Keras in Python, does not correct the stddev for the cut.
 */
import type { Dist, InitKind } from "./ref.ts";
import { en } from "gradlab/checks";

/** tfjs's computeFans, channelsLast (the layers' default). */
export function expectedFans(shape: number[]): { fanIn: number; fanOut: number } {
  const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  if (shape.length >= 3 && shape.length <= 5) {
    const receptive = prod(shape.slice(0, -2));
    return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
  }
  const s = Math.sqrt(prod(shape));
  return { fanIn: s, fanOut: s };
}

function initScale(kind: InitKind, fanIn: number, fanOut: number): number {
  return kind.startsWith("glorot") ? 1 / Math.max(1, (fanIn + fanOut) / 2) : 2 / Math.max(1, fanIn);
}

const family = (kind: InitKind, s: number): Dist => (kind.endsWith("Uniform") ? { family: "uniform", limit: Math.sqrt(3 * s) } : { family: "truncated", sd: Math.sqrt(s) });

/** The distribution tfjs draws a kind's weights from, for a kernel of this shape. */
export function referenceDistribution(kind: InitKind, shape: number[]): Dist {
  const { fanIn, fanOut } = expectedFans(shape);
  return family(kind, initScale(kind, fanIn, fanOut));
}

/** What the known mistakes draw from, each with the hint that names it. */
export function mistakeDistributions(kind: InitKind, shape: number[]): { hint: string; dist: Dist }[] {
  const { fanIn, fanOut } = expectedFans(shape);
  const s = initScale(kind, fanIn, fanOut);
  const out: { hint: string; dist: Dist }[] = [];
  if (kind.startsWith("glorot")) {
    out.push({ hint: en`Your weights' spread is Glorot's over fanIn alone: Glorot uses the average fan, scale 1 / ((fanIn + fanOut) / 2).`, dist: family(kind, 1 / fanIn) });
    out.push({ hint: en`Your weights' spread uses fanIn + fanOut where Glorot divides by their average: scale 1 / ((fanIn + fanOut) / 2) = 2 / (fanIn + fanOut).`, dist: family(kind, 1 / (fanIn + fanOut)) });
  } else {
    out.push({ hint: en`Your He weights use the average fan: He uses fanIn alone, scale 2 / fanIn.`, dist: family(kind, 2 / ((fanIn + fanOut) / 2)) });
    out.push({ hint: en`Your He weights have scale 1 / fanIn (LeCun's): He doubles it, 2 / fanIn, to make up for ReLU zeroing half of the pre-activations.`, dist: family(kind, 1 / fanIn) });
  }
  if (shape.length >= 3 && shape.length <= 5) {
    const [i, o] = [shape[shape.length - 2], shape[shape.length - 1]];
    out.push({ hint: en`Your spread ignores the conv kernel's receptive field: fanIn = in · kh · kw and fanOut = out · kh · kw (see computeFans).`, dist: family(kind, initScale(kind, i, o)) });
  }
  if (kind.endsWith("Uniform")) {
    out.push({ hint: en`Your uniform limit is sqrt(scale), the standard deviation: a uniform on [−a, a] has variance a²/3, so the limit is sqrt(3 · scale).`, dist: { family: "uniform", limit: Math.sqrt(s) } });
    out.push({ hint: en`Your weights are drawn from a normal distribution: this kind is uniform on [−sqrt(3·scale), sqrt(3·scale)].`, dist: { family: "truncated", sd: Math.sqrt(s) } });
    out.push({ hint: en`Your weights are uniform on [0, limit): 2·random() − 1 spreads random() over [−1, 1).`, dist: { family: "uniformPositive", limit: Math.sqrt(3 * s) } });
  } else {
    out.push({ hint: en`Your weights are uniform: this kind draws from a normal distribution with stddev sqrt(scale), truncated at 2 stddev.`, dist: { family: "uniform", limit: Math.sqrt(3 * s) } });
    out.push({ hint: en`Your normal is not truncated: tf.truncatedNormal redraws every value beyond 2 stddev.`, dist: { family: "normal", sd: Math.sqrt(s) } });
    out.push({ hint: en`Your stddev is corrected for the truncation (sqrt(scale) / 0.8796, as Keras in Python does): tfjs uses sqrt(scale) itself, before truncating at 2 stddev.`, dist: { family: "truncated", sd: Math.sqrt(s) / 0.87962566103423978 } });
  }
  return out;
}
