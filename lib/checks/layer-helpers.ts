/**
 * Small helpers shared by the layer exercises (conv2d, max-pool, layernorm, dropout, embedding):
 * a tensor result whose wrong shape gets an exercise-specific hint, and inputs with distinct
 * values. Known mistakes are named with `variantHint` (variants.ts).
 */
import { Rng, Tensor, shuffle } from "../nd/index.ts";
import { CheckFailure } from "./failure.ts";
import { asTensorResult } from "./results.ts";
import { en } from "../messages/text.ts";

/**
 * The learner's value as a tensor of `shape`; when the shape is wrong, the failure carries
 * `shapeHint(gotShape)` (e.g. the output-size formula) in place of the generic hint.
 */
export function asTensorWithShapeHint(label: string, got: unknown, shape: number[], shapeHint: (gotShape: number[]) => string | undefined): Tensor {
  if (got instanceof Tensor && (got.shape.length !== shape.length || got.shape.some((d, i) => d !== shape[i]))) {
    throw new CheckFailure(en`${label} has shape [${got.shape}], expected [${shape}].`, { hint: shapeHint(got.shape) });
  }
  return asTensorResult(label, got, shape);
}

/**
 * A tensor whose values are all distinct and well separated (gaps of at least `spread / size`),
 * in random order: max-pooling has an unambiguous argmax and finite differences never cross a tie.
 */
export function distinctValues(shape: number[], rng: Rng, spread = 6): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const perm = shuffle(n, rng);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = ((perm[i] + 0.25 + 0.5 * rng.next()) / n - 0.5) * spread;
  return new Tensor(data, shape);
}
