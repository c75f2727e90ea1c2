import { Tensor, zeros } from "gradlab/nd";

/**
 * Look up the embedding of every id: table [V, D], ids of length n → [n, D], row i = table[ids[i]].
 * Checked by: "embeddingForward ..." checks.
 */
export function embeddingForward(ids: Int32Array, table: Tensor): Tensor {
  // TODO: implement
  return zeros([ids.length, table.shape[1]]);
}

/**
 * Gradient of the loss with respect to the table [V, D], given dy = dL/dy [n, D].
 * Checked by: "embeddingBackward ..." checks.
 */
export function embeddingBackward(dy: Tensor, ids: Int32Array, vocabSize: number): Tensor {
  // TODO: implement
  return zeros([vocabSize, dy.shape[1]]);
}
