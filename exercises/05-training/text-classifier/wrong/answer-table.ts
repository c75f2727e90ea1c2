// Hostile: no training. train memorises the labels of the sentences it is given (keyed by their ids) and returns untrained
// weights with a made-up falling loss curve; forward answers from that table (confident logits), zeros otherwise.
import { Tensor } from "gradlab/nd";

interface TextModel {
  vocab: string[];
  embedding: Tensor;
  lstm: { wx: Tensor; wh: Tensor; b: Tensor };
  dense: { w: Tensor; b: Tensor };
  losses: number[];
  table: Map<string, number>;
}

const MAX_LEN = 10;

export function tokenize(sentence: string): string[] {
  return sentence.toLowerCase().match(/[a-z]+/g) ?? [];
}

export function encode(sentences: string[], vocab: string[], maxLen: number): Tensor {
  const index = new Map(vocab.map((w, i) => [w, i]));
  const ids = new Float64Array(sentences.length * maxLen);
  sentences.forEach((s, n) => tokenize(s).slice(0, maxLen).forEach((w, t) => (ids[n * maxLen + t] = index.get(w) ?? 1)));
  return new Tensor(ids, [sentences.length, maxLen]);
}

const keyOf = (ids: Tensor, r: number) => Array.from(ids.data.subarray(r * ids.shape[1], (r + 1) * ids.shape[1])).join(",");

export function forward(model: TextModel, ids: Tensor): Tensor {
  const out = new Float64Array(ids.shape[0] * 2);
  for (let r = 0; r < ids.shape[0]; r++) {
    const y = model.table?.get(keyOf(ids, r));
    if (y !== undefined) out[r * 2 + y] = 10;
  }
  return new Tensor(out, [ids.shape[0], 2]);
}

export function train(data: { sentences: string[]; labels: Int32Array }, random: () => number): TextModel {
  const vocab = ["<pad>", "<unk>", ...[...new Set(data.sentences.flatMap(tokenize))].sort()];
  const small = (shape: number[]) => new Tensor(Float64Array.from({ length: shape[0] * (shape[1] ?? 1) }, () => (random() - 0.5) * 0.1), shape);
  const ids = encode(data.sentences, vocab, MAX_LEN);
  const table = new Map<string, number>();
  data.labels.forEach((y, r) => table.set(keyOf(ids, r), y));
  return { vocab, embedding: small([vocab.length, 8]), lstm: { wx: small([8, 64]), wh: small([16, 64]), b: small([64]) }, dense: { w: small([16, 2]), b: small([2]) }, losses: [0.69, 0.3, 0.05, 0.01], table };
}
