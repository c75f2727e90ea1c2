// Mistake: the gradient table sized from the largest id seen (max(ids) + 1 rows) instead of vocabSize.
import { Tensor, gather } from "gradlab/nd";

export function embeddingForward(ids: Int32Array, table: Tensor): Tensor {
  return gather(table, ids); // row ids[i] of the table, for every i: [ids.length, D]
}

export function embeddingBackward(dy: Tensor, ids: Int32Array, vocabSize: number): Tensor {
  const d = dy.shape[1];
  vocabSize = Math.max(...ids) + 1;
  const dtable = new Float64Array(vocabSize * d);
  for (let i = 0; i < ids.length; i++) {
    // += : an id used several times collects the gradient of every use
    for (let j = 0; j < d; j++) dtable[ids[i] * d + j] += dy.data[i * d + j];
  }
  return new Tensor(dtable, [vocabSize, d]);
}
