import { Tensor } from "gradlab/nd";

/**
 * Your trained classifier. `vocab[id]` is the word with that id: vocab[0] = "<pad>", vocab[1] = "<unk>",
 * then the words of the training sentences (any order). `embedding` is [V, E]; the LSTM has `wx` [E, 4H],
 * `wh` [H, 4H], `b` [4H] with the gates in the order i, f, g, o (as the lstm exercise); `dense.w` is
 * [H, 2] and `dense.b` [2]. `losses` holds the mean training loss of each epoch. You may add fields.
 */
export interface TextModel {
  vocab: string[];
  embedding: Tensor;
  lstm: { wx: Tensor; wh: Tensor; b: Tensor };
  dense: { w: Tensor; b: Tensor };
  losses: number[];
}

/**
 * The words of a sentence: lower-case it, then take every maximal run of the letters a-z
 * ("Yesterday, the dog chased Anna." → ["yesterday", "the", "dog", "chased", "anna"]).
 * Checked by: "tokenize: lower-case runs of the letters a-z", and its hidden twin.
 */
export function tokenize(sentence: string): string[] {
  // TODO
  return [];
}

/**
 * Ids [N, maxLen]: row n holds the ids (positions in vocab) of the first maxLen tokens of sentence n,
 * then 0s (padding at the end); a word that is not in vocab gets 1 ("<unk>").
 * Checked by: "encode: the first maxLen tokens' ids, ...", and its hidden twin.
 */
export function encode(sentences: string[], vocab: string[], maxLen: number): Tensor {
  // TODO
  return new Tensor(new Float64Array(sentences.length * maxLen), [sentences.length, maxLen]);
}

/**
 * Logits [N, 2] of post-padded ids [N, T]: look up each id's embedding, run the LSTM from h = c = 0
 * over the steps, leaving h and c unchanged at a padded step (id 0), then the dense layer on the last h.
 * Checked by: "forward: embedding → LSTM masked at the padding → dense on the last state, against tfjs",
 * and by the trained-model checks (on the weights train returns).
 */
export function forward(model: TextModel, ids: Tensor): Tensor {
  // TODO
  return new Tensor(new Float64Array(ids.shape[0] * 2), [ids.shape[0], 2]);
}

/**
 * Build the vocabulary from the training sentences, initialise the weights with `random()` (uniform
 * in [0, 1)), and train on minibatches: your own forward, softmax cross-entropy, backpropagation
 * through time into the LSTM and the embedding, and an optimizer (Adam works well).
 * The grader scores the weights you return (it recomputes their logits with TensorFlow.js).
 * Checked by: the train, practice-accuracy and held-out checks (each set is trained once).
 */
export function train(data: { sentences: string[]; labels: Int32Array }, random: () => number): TextModel {
  // TODO
  const e = new Tensor(new Float64Array(2 * 8), [2, 8]);
  return {
    vocab: ["<pad>", "<unk>"],
    embedding: e,
    lstm: { wx: new Tensor(new Float64Array(8 * 64), [8, 64]), wh: new Tensor(new Float64Array(16 * 64), [16, 64]), b: new Tensor(new Float64Array(64), [64]) },
    dense: { w: new Tensor(new Float64Array(32), [16, 2]), b: new Tensor(new Float64Array(2), [2]) },
    losses: [],
  };
}
