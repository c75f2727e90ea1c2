// LoRA's forward and dx with the adapter scaled by any `s` (float64, for hints): with s = alpha / r
// they are the exercise's answers. Server-only: in the browser's Run these answer only the calls
// recorded from the solution's visible run (docs/authoring.md, "What Run ships").
import { add, matmul, mul, transpose, type Tensor } from "gradlab/nd";

/** x w (+ b) + s (x a) bm; without b when it is undefined. */
export function loraForwardScaled(x: Tensor, w: Tensor, b: Tensor | undefined, a: Tensor, bm: Tensor, s: number): Tensor {
  const frozen = matmul(x, w);
  return add(b ? add(frozen, b) : frozen, mul(matmul(matmul(x, a), bm), s));
}

/** dy wᵀ + s (dy bmᵀ) aᵀ. */
export function loraDxScaled(dy: Tensor, w: Tensor, a: Tensor, bm: Tensor, s: number): Tensor {
  return add(matmul(dy, transpose(w)), mul(matmul(matmul(dy, transpose(bm)), transpose(a)), s));
}
