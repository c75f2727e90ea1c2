/**
 * The functions a learner's numericGradient differentiates. Shared by the driver (which builds
 * them inside the sandbox, so the learner receives a real function) and the checks (which
 * rebuild them in tfjs for tf.grad; the float64 centred formula and the exact gradient are
 * server-only, in reference.host.ts).
 * Coefficients come from the seed, so both sides build exactly the same function.
 */
import { Rng } from "gradlab/nd";

export const FUNCTION_NAMES = ["quadratic", "softplusSum", "logSumExp", "tanhNet"] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export interface FunctionSpec {
  name: FunctionName;
  /** Number of elements of x (x may have any shape with that many elements). */
  n: number;
  /** Row-major coefficient arrays; which ones exist depends on the function. */
  A: number[];
  b: number[];
  c: number[];
  v: number[];
  /** Rows of A for logSumExp and tanhNet. */
  m: number;
}

const randn = (rng: Rng, k: number, scale = 1) => Array.from({ length: k }, () => scale * rng.normal());

/**
 * quadratic:   f(x) = ½ xᵀ A x + bᵀ x                  (A symmetric, n×n)
 * softplusSum: f(x) = Σ_i c_i · softplus(A_i x_i + b_i)
 * logSumExp:   f(x) = log Σ_j exp((A x)_j + b_j)        (A m×n)
 * tanhNet:     f(x) = Σ_j v_j · tanh((A x)_j + c_j)     (A m×n)
 */
export function functionSpec(name: FunctionName, seed: number, n: number): FunctionSpec {
  const rng = new Rng(seed);
  const spec: FunctionSpec = { name, n, A: [], b: [], c: [], v: [], m: 0 };
  switch (name) {
    case "quadratic": {
      const M = randn(rng, n * n, 1 / Math.sqrt(n));
      spec.A = Array.from({ length: n * n }, (_, k) => {
        const i = Math.floor(k / n);
        const j = k % n;
        return (M[i * n + j] + M[j * n + i]) / 2 + (i === j ? 1 : 0);
      });
      spec.b = randn(rng, n);
      break;
    }
    case "softplusSum":
      spec.A = randn(rng, n);
      spec.b = randn(rng, n);
      spec.c = randn(rng, n);
      break;
    case "logSumExp":
      spec.m = 4;
      spec.A = randn(rng, 4 * n, 1 / Math.sqrt(n));
      spec.b = randn(rng, 4);
      break;
    case "tanhNet":
      spec.m = 6;
      spec.A = randn(rng, 6 * n, 1 / Math.sqrt(n));
      spec.c = randn(rng, 6);
      spec.v = randn(rng, 6);
      break;
  }
  return spec;
}

const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

/** f(x) in float64, x given by its flat data. */
export function evaluate(s: FunctionSpec, x: ArrayLike<number>): number {
  const n = s.n;
  const Ax = (j: number) => {
    let t = 0;
    for (let i = 0; i < n; i++) t += s.A[j * n + i] * x[i];
    return t;
  };
  switch (s.name) {
    case "quadratic": {
      let f = 0;
      for (let i = 0; i < n; i++) {
        let row = 0;
        for (let j = 0; j < n; j++) row += s.A[i * n + j] * x[j];
        f += 0.5 * x[i] * row + s.b[i] * x[i];
      }
      return f;
    }
    case "softplusSum": {
      let f = 0;
      for (let i = 0; i < n; i++) f += s.c[i] * softplus(s.A[i] * x[i] + s.b[i]);
      return f;
    }
    case "logSumExp": {
      const z = Array.from({ length: s.m }, (_, j) => Ax(j) + s.b[j]);
      const mx = Math.max(...z);
      return mx + Math.log(z.reduce((acc, zj) => acc + Math.exp(zj - mx), 0));
    }
    case "tanhNet": {
      let f = 0;
      for (let j = 0; j < s.m; j++) f += s.v[j] * Math.tanh(Ax(j) + s.c[j]);
      return f;
    }
  }
}

/** The function as the learner receives it: takes a tensor (any shape, n elements), returns a number. */
export function learnerFunction(s: FunctionSpec): (x: { shape: number[]; data: ArrayLike<number> }) => number {
  return (x) => {
    const data = x?.data;
    if (!data || typeof data.length !== "number") throw new Error(`f(x): x must be a tensor, got ${typeof x}`);
    if (data.length !== s.n) throw new Error(`f(x): x must have ${s.n} elements (the shape of the x you were given), got ${data.length}`);
    return evaluate(s, data);
  };
}
