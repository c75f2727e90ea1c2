/**
 * Distributions and the Kolmogorov–Smirnov test, generic math shared by the checks (which
 * distribution each initialiser draws from is the answer: reference.host.ts).
 */
export type InitKind = "glorotUniform" | "glorotNormal" | "heUniform" | "heNormal";
export const KINDS: InitKind[] = ["glorotUniform", "glorotNormal", "heUniform", "heNormal"];

/** U(−limit, limit); N(0, sd²) cut at ±2 sd (tf.truncatedNormal); N(0, sd²); U(0, limit). */
export type Dist =
  | { family: "uniform"; limit: number }
  | { family: "truncated"; sd: number }
  | { family: "normal"; sd: number }
  | { family: "uniformPositive"; limit: number };

/** Standard normal CDF (erfc by Numerical Recipes' erfcc, fractional error below 1.2e-7). */
export function phi(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

export function cdfOf(d: Dist): (x: number) => number {
  switch (d.family) {
    case "uniform":
      return (x) => clamp01((x + d.limit) / (2 * d.limit));
    case "uniformPositive":
      return (x) => clamp01(x / d.limit);
    case "normal":
      return (x) => phi(x / d.sd);
    case "truncated": {
      const lo = phi(-2);
      const mass = phi(2) - lo;
      return (x) => clamp01((phi(x / d.sd) - lo) / mass);
    }
  }
}

/** The largest |w| a distribution can draw (Infinity for the plain normal). */
export function boundOf(d: Dist): number {
  return d.family === "truncated" ? 2 * d.sd : d.family === "normal" ? Infinity : d.limit;
}

/** The variance: limit²/3 for the symmetric uniform; 0.7737·sd² for the normal cut at 2 sd. */
export function varianceOf(d: Dist): number {
  switch (d.family) {
    case "uniform":
      return (d.limit * d.limit) / 3;
    case "uniformPositive":
      return (d.limit * d.limit) / 12;
    case "normal":
      return d.sd * d.sd;
    case "truncated": {
      const density = Math.exp(-2) / Math.sqrt(2 * Math.PI);
      return d.sd * d.sd * (1 - (4 * density) / (phi(2) - phi(-2)));
    }
  }
}

/** Kolmogorov–Smirnov distance sup |F_n − F| of a sample from a CDF. */
export function ksDistance(sample: ArrayLike<number>, cdf: (x: number) => number): number {
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
