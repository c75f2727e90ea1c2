// Mistake: the gradient table built as [D, V] (one column per id) instead of the table's shape [V, D].
import { Tensor, gather } from "gradlab/nd";

export function embeddingForward(ids: Int32Array, table: Tensor): Tensor {
  return gather(table, ids);
}

export function embeddingBackward(dy: Tensor, ids: Int32Array, vocabSize: number): Tensor {
  const d = dy.shape[1];
  const dtable = new Float64Array(vocabSize * d);
  for (let i = 0; i < ids.length; i++) for (let j = 0; j < d; j++) dtable[j * vocabSize + ids[i]] += dy.data[i * d + j];
  return new Tensor(dtable, [d, vocabSize]);
}
