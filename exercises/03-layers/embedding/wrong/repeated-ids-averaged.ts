// Mistake: the gradient rows of a repeated id averaged instead of summed.
import { Tensor, gather } from "gradlab/nd";

export function embeddingForward(ids: Int32Array, table: Tensor): Tensor {
  return gather(table, ids); // row ids[i] of the table, for every i: [ids.length, D]
}

export function embeddingBackward(dy: Tensor, ids: Int32Array, vocabSize: number): Tensor {
  const d = dy.shape[1];
  const dtable = new Float64Array(vocabSize * d);
  const count = new Array<number>(vocabSize).fill(0);
  for (const id of ids) count[id]++;
  for (let i = 0; i < ids.length; i++) {
    for (let j = 0; j < d; j++) dtable[ids[i] * d + j] += dy.data[i * d + j] / count[ids[i]];
  }
  return new Tensor(dtable, [vocabSize, d]);
}
