import { Tensor, zeros } from "gradlab/nd";

/** The projections: wq, wk, wv, wo are [D, D]; bq, bk, bv, bo are [D]. */
interface MhaParams { wq: Tensor; bq: Tensor; wk: Tensor; bk: Tensor; wv: Tensor; bv: Tensor; wo: Tensor; bo: Tensor }

/**
 * Multi-head self-attention over x [N, T, D] → [N, T, D]:
 * q = x·wq + bq, k = x·wk + bk, v = x·wv + bv; head h owns columns h·dh .. (h+1)·dh − 1 (dh = D / numHeads);
 * in each head, softmax(q_h·k_hᵀ / sqrt(dh)) · v_h over the key axis, keys j > i hidden from query i when causal;
 * the heads' outputs side by side in head order, then · wo + bo.
 * Checked by: "multiHeadAttentionForward ..." checks.
 */
export function multiHeadAttentionForward(x: Tensor, p: MhaParams, numHeads: number, causal: boolean): Tensor {
  // TODO: implement
  return zeros(x.shape);
}

/**
 * Gradients of the loss with respect to x and every parameter, given dy = dL/d(output) [N, T, D].
 * x feeds the query, key and value projections: dx is the sum of the three paths.
 * Checked by: "multiHeadAttentionBackward ..." checks.
 */
export function multiHeadAttentionBackward(
  dy: Tensor, x: Tensor, p: MhaParams, numHeads: number, causal: boolean,
): { dx: Tensor; dwq: Tensor; dbq: Tensor; dwk: Tensor; dbk: Tensor; dwv: Tensor; dbv: Tensor; dwo: Tensor; dbo: Tensor } {
  // TODO: implement
  const d = x.shape[2];
  const w = () => zeros([d, d]);
  const b = () => zeros([d]);
  return { dx: zeros(x.shape), dwq: w(), dbq: b(), dwk: w(), dbk: b(), dwv: w(), dbv: b(), dwo: w(), dbo: b() };
}
