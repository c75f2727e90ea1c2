// Mistake: the table indexed as if it were [D, V] (column id instead of row id), in the forward and the backward.
import { Tensor } from "gradlab/nd";

export function embeddingForward(ids: Int32Array, table: Tensor): Tensor {
  const [v, d] = table.shape;
  const out = new Float64Array(ids.length * d);
  for (let i = 0; i < ids.length; i++) for (let j = 0; j < d; j++) out[i * d + j] = table.data[j * v + ids[i]];
  return new Tensor(out, [ids.length, d]);
}

export function embeddingBackward(dy: Tensor, ids: Int32Array, vocabSize: number): Tensor {
  const d = dy.shape[1];
  const dtable = new Float64Array(vocabSize * d);
  for (let i = 0; i < ids.length; i++) for (let j = 0; j < d; j++) dtable[j * vocabSize + ids[i]] += dy.data[i * d + j];
  return new Tensor(dtable, [vocabSize, d]);
}
