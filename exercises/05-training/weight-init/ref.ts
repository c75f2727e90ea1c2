/**
 * The initialisers as tfjs-layers defines them (initializers.js: computeFans, VarianceScaling):
 * glorot = scale 1 over the average fan, he = scale 2 over fan-in; "uniform" draws from
 * U(−√(3s), √(3s)), "normal" from tf.truncatedNormal with stddev √s, which redraws anything beyond
 * 2 stddev and, unlike Keras in Python, does not correct the stddev for the truncation.
 */
export type InitKind = "glorotUniform" | "glorotNormal" | "heUniform" | "heNormal";
export const KINDS: InitKind[] = ["glorotUniform", "glorotNormal", "heUniform", "heNormal"];

/** tfjs's computeFans, channelsLast (the layers' default). */
export function tfjsFans(shape: number[]): { fanIn: number; fanOut: number } {
  const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  if (shape.length >= 3 && shape.length <= 5) {
    const receptive = prod(shape.slice(0, -2));
    return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
  }
  const s = Math.sqrt(prod(shape));
  return { fanIn: s, fanOut: s };
}

/** The variance scale s of a kind (VarianceScaling's `scale` divided by its fan). */
export function varianceScale(kind: InitKind, shape: number[]): number {
  const { fanIn, fanOut } = tfjsFans(shape);
  return kind.startsWith("glorot") ? 1 / Math.max(1, (fanIn + fanOut) / 2) : 2 / Math.max(1, fanIn);
}

export const isUniform = (kind: InitKind) => kind.endsWith("Uniform");

// ---- distributions, as CDFs ------------------------------------------------------------------

/** Standard normal CDF (erfc by W. J. Cody's rational approximation via Numerical Recipes' erfcc: |error| < 1.2e-7). */
export function phi(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

export type Cdf = (x: number) => number;

export const uniformCdf = (limit: number): Cdf => (x) => Math.min(1, Math.max(0, (x + limit) / (2 * limit)));
export const normalCdf = (sd: number): Cdf => (x) => phi(x / sd);
/** N(0, sd²) conditioned on |x| ≤ 2·sd (tf.truncatedNormal). */
export function truncatedCdf(sd: number): Cdf {
  const lo = phi(-2);
  const mass = phi(2) - lo;
  return (x) => Math.min(1, Math.max(0, (phi(x / sd) - lo) / mass));
}

/** The distribution tfjs draws a kind's weights from. */
export function referenceCdf(kind: InitKind, shape: number[]): Cdf {
  const s = varianceScale(kind, shape);
  return isUniform(kind) ? uniformCdf(Math.sqrt(3 * s)) : truncatedCdf(Math.sqrt(s));
}

/** Largest |w| a kind may produce: the uniform's limit, or 2 stddev for the truncated normal. */
export function referenceBound(kind: InitKind, shape: number[]): number {
  const s = varianceScale(kind, shape);
  return isUniform(kind) ? Math.sqrt(3 * s) : 2 * Math.sqrt(s);
}

/** Variance of what tfjs draws: s for the uniform, s times the truncated normal's 0.7737 for "normal". */
export function referenceVariance(kind: InitKind, shape: number[]): number {
  const s = varianceScale(kind, shape);
  const z = 2;
  const density = Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
  return isUniform(kind) ? s : s * (1 - (2 * z * density) / (phi(z) - phi(-z)));
}

/** Kolmogorov–Smirnov distance sup |F_n − F| of a sample from a CDF. */
export function ksDistance(sample: ArrayLike<number>, cdf: Cdf): number {
  const xs = Float64Array.from(sample).sort();
  const n = xs.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(xs[i]);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/**
 * The KS threshold for a sample of n: by the Dvoretzky–Kiefer–Wolfowitz inequality with Massart's
 * constant, P(sup |F_n − F| > ε) ≤ 2·exp(−2nε²) for ANY continuous F, so a correct sampler fails
 * with probability at most `falseFailure`.
 */
export function ksThreshold(n: number, falseFailure: number): number {
  return Math.sqrt(Math.log(2 / falseFailure) / (2 * n));
}
