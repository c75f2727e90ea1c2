import { Rng, Tensor } from "gradlab/nd";
import {
  accuracyOf,
  argmaxRows,
  asTensorResult,
  CheckFailure,
  curveData,
  defineChecks,
  describe,
  expectClose,
  gradeAccuracy,
  hidden,
  InvalidValue,
  meanCrossEntropy,
  mistakeExplains,
  predictionHint,
  SandboxFn,
  visible,
  type AccuracyTier,
  type CheckContext,
  type Handle,
  en } from "gradlab/checks";
import { GRAMMAR_WORDS, grammarCorpus, grammarTokens, type AnnotatedCorpus } from "../../../datasets/text-grammar.ts";
import { textLogitsTf, type ForwardMistake, type TextWeights } from "./ref.ts";

export const MAX_LEN = 10;
const CLASSES = 2;
export const MODEL_RULES = { maxVocab: 1000, maxEmbed: 64, maxUnits: 64, maxParams: 50_000 };

/** The public training set: what `train` receives (the statement names its seed; learners may regenerate it). */
export const PUBLIC_TRAIN = { seed: 18_0805, count: 1500 };
/** Run's practice: train on the first 500 public sentences, scored on 500 public practice sentences. */
export const PRACTICE = { count: 500, validationSeed: 18_0806, validationCount: 500 };
/** Held-out sentences: drawn from the submission's hidden seed; never given to learner code. */
export const HELD_OUT_COUNT = 2000;
export const heldOutSeed = (submissionSeed: number) => (submissionSeed ^ 0x7e47_c1a5) >>> 0;
const submissionSeed = (ctx: CheckContext) => ctx.submissionSeed ?? ctx.seed;
/** Rows of a scored set on which the learner's forward must agree with the reference. */
const AGREEMENT_ROWS = 200;

// Tiers from scripts/calibrate-text-classifier.ts: the figures are in statement.md ("How the tiers were set").
export const PRACTICE_TIERS: AccuracyTier[] = [
  { min: 0.9, fraction: 1 },
  { min: 0.75, fraction: 0.5 },
];
export const HELD_OUT_TIERS: AccuracyTier[] = [
  { min: 0.9, fraction: 1 },
  { min: 0.75, fraction: 0.5 },
];

export function publicTraining(which: "practice" | "full"): { sentences: string[]; labels: Int32Array } {
  const all = grammarCorpus(PUBLIC_TRAIN.count, PUBLIC_TRAIN.seed);
  const n = which === "practice" ? PRACTICE.count : PUBLIC_TRAIN.count;
  return { sentences: all.sentences.slice(0, n), labels: all.labels.slice(0, n) };
}

export function scoredSentences(which: "practice" | "heldOut", seed: number): AnnotatedCorpus {
  return which === "practice" ? grammarCorpus(PRACTICE.validationCount, PRACTICE.validationSeed) : grammarCorpus(HELD_OUT_COUNT, heldOutSeed(seed));
}

/** The statement's encoding: the first `maxLen` tokens' ids, then 0s (padding at the end); unknown words 1. */
export function idsOf(sentences: string[], vocab: readonly string[], maxLen: number, keep: "first" | "last" = "first", pad: "end" | "start" = "end", unknown = 1): Tensor {
  const index = new Map(vocab.map((w, i) => [w, i]));
  const out = new Float64Array(sentences.length * maxLen);
  sentences.forEach((s, n) => {
    const all = grammarTokens(s);
    const tokens = keep === "first" ? all.slice(0, maxLen) : all.slice(Math.max(0, all.length - maxLen));
    const off = pad === "end" ? 0 : maxLen - tokens.length;
    tokens.forEach((w, t) => (out[n * maxLen + off + t] = index.get(w) ?? unknown));
  });
  return new Tensor(out, [sentences.length, maxLen]);
}

// ---- tokenize and encode --------------------------------------------------------------------

function asTokens(label: string, v: unknown): string[] {
  if (v instanceof InvalidValue) throw new CheckFailure(`${label} returned ${v.why}.`);
  if (!Array.isArray(v) || v.some((t) => typeof t !== "string")) throw new CheckFailure(en`${label} returned ${describe(v)}; expected an array of strings.`, { hint: en`Return the words as an array: ["the", "dog", ...].` });
  return v as string[];
}

function tokensHint(got: string[]): string | undefined {
  if (got.some((t) => t === "")) return en`Empty tokens: split on runs of non-letters (two spaces, or a comma then a space, must not give an empty word).`;
  if (got.some((t) => /[A-Z]/.test(t))) return en`Lower-case the sentence first: "The" and "the" are one word.`;
  if (got.some((t) => /[^a-zA-Z]/.test(t))) return en`A token is a run of the letters a-z only: punctuation (",", ".", "!") and spaces are not part of a word.`;
  return undefined;
}

async function expectTokens(ctx: CheckContext, sentence: string) {
  const got = asTokens(`tokenize(${JSON.stringify(sentence)})`, await ctx.learner.call("tokenize", sentence));
  const want = grammarTokens(sentence);
  if (got.length !== want.length || got.some((t, i) => t !== want[i])) {
    throw new CheckFailure(en`tokenize(${JSON.stringify(sentence)}) returned ${JSON.stringify(got)}; expected ${JSON.stringify(want)}.`, { hint: tokensHint(got) });
  }
}

const ENCODE_MISTAKES: { name: string; ids: (s: string[], v: string[], m: number) => Tensor; hint: string }[] = [
  { name: "padded at the start", ids: (s, v, m) => idsOf(s, v, m, "first", "start"), hint: en`Your ids are padded at the start: the statement pads at the end (the sentence's tokens first, then 0s), so that the LSTM's masked steps come after the sentence.` },
  { name: "kept the last tokens", ids: (s, v, m) => idsOf(s, v, m, "last"), hint: en`A sentence longer than maxLen keeps its first maxLen tokens (the end is cut), not its last.` },
  { name: "unknown as 0", ids: (s, v, m) => idsOf(s, v, m, "first", "end", 0), hint: en`A word that is not in vocab has id 1 ("<unk>"); 0 is the padding, which the LSTM skips.` },
];

async function expectEncode(ctx: CheckContext, sentences: string[], vocab: string[], maxLen: number) {
  const want = idsOf(sentences, vocab, maxLen);
  const got = asTensorResult(`encode(sentences, vocab, ${maxLen})`, await ctx.learner.call("encode", sentences, vocab, maxLen), [sentences.length, maxLen]);
  const bad = got.data.findIndex((v, i) => v !== want.data[i]);
  if (bad < 0) return;
  const [n, t] = [Math.floor(bad / maxLen), bad % maxLen];
  const mistake = ENCODE_MISTAKES.find((m) => m.ids(sentences, vocab, maxLen).data.every((v, i) => v === got.data[i]));
  throw new CheckFailure(
    en`encode(...)[${n}, ${t}] is ${got.data[bad]}; expected ${want.data[bad]} (sentence ${n}: ${JSON.stringify(sentences[n])}, tokens ${JSON.stringify(grammarTokens(sentences[n]))}).`,
    { hint: mistake?.hint ?? en`Row n holds the ids of sentence n's first maxLen tokens (vocab.indexOf(word), 1 when absent), then 0s.` },
  );
}

/** A vocabulary of the grammar's words in a shuffled order, with "<pad>", "<unk>" first and some words left out. */
function shuffledVocab(rng: Rng, leaveOut: number): string[] {
  const words = [...GRAMMAR_WORDS];
  for (let i = words.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [words[i], words[j]] = [words[j], words[i]];
  }
  return ["<pad>", "<unk>", ...words.slice(leaveOut)];
}

// ---- forward --------------------------------------------------------------------------------

const FORWARD_MISTAKES: { mistake: ForwardMistake; hint: string }[] = [
  { mistake: { unmasked: true }, hint: en`Your logits are those of an LSTM that also runs over the padding: at a step whose id is 0, h and c must stay as they were (the mask), so the dense layer reads the state after the sentence's last real token.` },
  { mistake: { carried: true }, hint: en`Your logits are those of an LSTM whose state is not reset between sentences: every sentence must start from h = c = 0, not from the previous sentence's last state.` },
  { mistake: { cs231nGates: true }, hint: en`Your logits are those of an LSTM with the gate blocks in CS231n's order i, f, o, g: tfjs (and this exercise) packs them i, f, g, o.` },
  { mistake: { meanPooled: true }, hint: en`Your logits are those of the mean of the embeddings fed to the dense layer: a bag of words, which cannot see word order. Run the LSTM over the tokens and feed its last state to the dense layer.` },
];

function forwardHints(tf: CheckContext["tf"], w: TextWeights, ids: Tensor) {
  return [
    (expected: Tensor, got: Tensor) => {
      for (const m of FORWARD_MISTAKES) {
        if (m.mistake.meanPooled && w.embedding.shape[1] !== w.wh.shape[0]) continue;
        const z = textLogitsTf(tf, w, ids, m.mistake);
        if (mistakeExplains(expected.data, z, got.data)) return m.hint;
      }
      return undefined;
    },
  ];
}

/** Random weights [V, E, H] and post-padded ids of rows with random lengths (at least one full, one of length 1). */
function forwardCase(rng: Rng, v: number, e: number, h: number, n: number, steps: number): { model: Record<string, unknown>; w: TextWeights; ids: Tensor } {
  const rand = (shape: number[], scale: number) => new Tensor(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale), shape);
  const w: TextWeights = { embedding: rand([v, e], 1), wx: rand([e, 4 * h], 0.6), wh: rand([h, 4 * h], 0.6), b: rand([4 * h], 0.3), denseW: rand([h, CLASSES], 1), denseB: rand([CLASSES], 0.3) };
  const ids = new Float64Array(n * steps);
  for (let r = 0; r < n; r++) {
    const len = r === 0 ? steps : r === 1 ? 1 : 1 + rng.int(steps);
    for (let t = 0; t < len; t++) ids[r * steps + t] = 1 + rng.int(v - 1);
  }
  const vocab = ["<pad>", "<unk>", ...Array.from({ length: v - 2 }, (_, i) => `w${i}`)];
  const model = { vocab, embedding: w.embedding, lstm: { wx: w.wx, wh: w.wh, b: w.b }, dense: { w: w.denseW, b: w.denseB }, losses: [] };
  return { model, w, ids: new Tensor(ids, [n, steps]) };
}

async function expectForward(ctx: CheckContext, model: unknown, w: TextWeights, ids: Tensor, label = "forward(model, ids)") {
  const want = new Tensor(Float64Array.from(textLogitsTf(ctx.tf, w, ids)), [ids.shape[0], CLASSES]);
  const got = await ctx.learner.call("forward", model, ids);
  expectClose(label, want, got, { against: en`tfjs (embedding, masked LSTM, dense)`, hints: forwardHints(ctx.tf, w, ids) });
}

async function expectRowAlone(ctx: CheckContext, model: unknown, ids: Tensor, row: number) {
  const steps = ids.shape[1];
  const one = new Tensor(ids.data.slice(row * steps, (row + 1) * steps), [1, steps]);
  const batch = asTensorResult("forward(model, ids)", await ctx.learner.call("forward", model, ids), [ids.shape[0], CLASSES]);
  const alone = asTensorResult("forward(model, one row)", await ctx.learner.call("forward", model, one), [1, CLASSES]);
  const inBatch = batch.data.subarray(row * CLASSES, (row + 1) * CLASSES);
  if (alone.data.some((v, k) => Math.abs(v - inBatch[k]) > 1e-6 * (1 + Math.abs(v)))) {
    throw new CheckFailure(en`forward on row ${row} alone gives [${[...alone.data].map((x) => x.toFixed(4))}], but the same row inside the batch gives [${[...inBatch].map((x) => x.toFixed(4))}].`, {
      hint: en`A sentence's logits must depend on that sentence only: start every sentence from h = c = 0 and keep no state between rows or calls.`,
    });
  }
}

// ---- the trained model ------------------------------------------------------------------------

interface Trained {
  model: Handle;
  weights: TextWeights;
  vocab: string[];
  losses: unknown;
  data: { sentences: string[]; labels: Int32Array };
}

const MODEL_HINT = en`Return { vocab, embedding, lstm: { wx, wh, b }, dense: { w, b }, losses }: vocab[0] = "<pad>", vocab[1] = "<unk>", embedding [V, E], wx [E, 4H], wh [H, 4H], b [4H], dense w [H, 2], b [2].`;

function asWeight(label: string, v: unknown, shape: (number | undefined)[]): Tensor {
  if (v instanceof InvalidValue) throw new CheckFailure(en`${label} could not be read: it holds ${v.why}.`, { hint: MODEL_HINT });
  if (!(v instanceof Tensor)) throw new CheckFailure(en`${label} is ${describe(v)}; expected a tensor.`, { hint: MODEL_HINT });
  if (v.shape.length !== shape.length || shape.some((d, i) => d !== undefined && v.shape[i] !== d)) {
    throw new CheckFailure(en`${label} has shape [${v.shape}]; expected [${shape.map((d, i) => d ?? ["V", "E", "H"][i] ?? "?").join(", ")}].`, { hint: MODEL_HINT });
  }
  const bad = v.data.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new CheckFailure(en`${label} holds ${v.data[bad]} at flat index ${bad}; every weight must be finite.`, { hint: en`NaN or Infinity in the weights: lower the learning rate, and check the loss (log-sum-exp) and the backward pass.` });
  return v;
}

/** The parts the driver read, validated as the prescribed model. */
export function asTextModel(parts: Record<string, unknown>): { weights: TextWeights; vocab: string[] } {
  const vocab = parts.vocab;
  if (!Array.isArray(vocab) || vocab.some((w) => typeof w !== "string")) throw new CheckFailure(en`model.vocab is ${describe(vocab)}; expected an array of words (strings).`, { hint: MODEL_HINT });
  if (vocab[0] !== "<pad>" || vocab[1] !== "<unk>") throw new CheckFailure(en`model.vocab starts ${JSON.stringify(vocab.slice(0, 2))}; it must start ["<pad>", "<unk>"] (ids 0 and 1).`, { hint: MODEL_HINT });
  if (vocab.length > MODEL_RULES.maxVocab) throw new CheckFailure(en`model.vocab has ${vocab.length} entries; at most ${MODEL_RULES.maxVocab}.`);
  const seen = new Set<string>();
  for (const w of vocab as string[]) {
    if (seen.has(w)) throw new CheckFailure(en`model.vocab holds ${JSON.stringify(w)} twice; each word has one id.`, { hint: en`Build the vocabulary from the distinct tokens (a Set).` });
    seen.add(w);
  }
  const lstm = (parts.lstm ?? {}) as Record<string, unknown>;
  const dense = (parts.dense ?? {}) as Record<string, unknown>;
  const embedding = asWeight("model.embedding", parts.embedding, [vocab.length, undefined]);
  const e = embedding.shape[1];
  const wh = asWeight("model.lstm.wh", lstm.wh, [undefined, undefined]);
  const h = wh.shape[0];
  if (wh.shape[1] !== 4 * h) throw new CheckFailure(en`model.lstm.wh has shape [${wh.shape}]; expected [H, 4H] (H units, 4 gates).`, { hint: MODEL_HINT });
  const weights: TextWeights = {
    embedding,
    wx: asWeight("model.lstm.wx", lstm.wx, [e, 4 * h]),
    wh,
    b: asWeight("model.lstm.b", lstm.b, [4 * h]),
    denseW: asWeight("model.dense.w", dense.w, [h, CLASSES]),
    denseB: asWeight("model.dense.b", dense.b, [CLASSES]),
  };
  if (e > MODEL_RULES.maxEmbed || h > MODEL_RULES.maxUnits) throw new CheckFailure(en`The model has E = ${e} embedding dimensions and H = ${h} units; at most ${MODEL_RULES.maxEmbed} of each.`, { hint: en`Small is enough here: E = 8, H = 16.` });
  const params = Object.values(weights).reduce((s, t: Tensor) => s + t.data.length, 0);
  if (params > MODEL_RULES.maxParams) throw new CheckFailure(en`The model has ${params.toLocaleString("en")} parameters; at most ${MODEL_RULES.maxParams.toLocaleString("en")}.`, { hint: en`E = 8, H = 16 is about 2,000 parameters.` });
  return { weights, vocab: vocab as string[] };
}

/** One training per set a grade (shared by its checks): later checks reuse the model. */
function trained(ctx: CheckContext, which: "practice" | "full"): Promise<Trained> {
  return ctx.shared(`training:${which}`, async () => {
    const data = publicTraining(which);
    const model = await ctx.learner.callKeep("train", data, new SandboxFn("uniform", [ctx.seed]));
    const parts = (await ctx.learner.call("driver:textModelParts", model)) as Record<string, unknown>;
    if (typeof parts.error === "string") throw new CheckFailure(en`Reading the model train returned threw ${parts.error}.`, { hint: en`Return a plain object (no getters that throw).` });
    if ("model" in parts) throw new CheckFailure(en`train returned ${describe(parts.model)}; expected the model object.`, { hint: MODEL_HINT });
    return { model, ...asTextModel(parts), losses: parts.losses, data };
  });
}

function expectLossFalls(ctx: CheckContext, t: Trained) {
  const hint = en`Push the mean cross-entropy over each epoch's minibatches (sum of batch loss × batch size, divided by N) onto model.losses.`;
  const losses = t.losses;
  if (!Array.isArray(losses)) throw new CheckFailure(en`model.losses is missing: it must be an array with the mean training loss of each epoch.`, { hint });
  if (losses.length < 2) throw new CheckFailure(en`model.losses has ${losses.length} value${losses.length === 1 ? "" : "s"}; train at least 2 epochs and record the mean loss of each.`, { hint });
  const bad = losses.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
  if (bad >= 0) throw new CheckFailure(en`model.losses[${bad}] is ${String(losses[bad])}; every epoch's loss must be a finite number.`, { hint: en`NaN or Infinity: the learning rate is too high, or log(0) in the cross-entropy (use log-sum-exp).` });
  const first = losses[0] as number;
  const last = losses[losses.length - 1] as number;
  if (!(last < 0.9 * first)) {
    throw new CheckFailure(en`The training loss does not fall: epoch 1 ${first.toFixed(4)}, epoch ${losses.length} ${last.toFixed(4)} (the last must be at least 10% below the first).`, {
      hint: en`Parameters must move against the gradient (p -= lr * grad), with a learning rate that is neither tiny nor huge.`,
    });
  }
  const ids = idsOf(t.data.sentences, t.vocab, MAX_LEN);
  const now = meanCrossEntropy(textLogitsTf(ctx.tf, t.weights, ids), t.data.labels, CLASSES);
  if (!(last <= 4 * now + 0.05 && last >= now / 4 - 0.05)) {
    throw new CheckFailure(
      en`model.losses ends at ${last.toFixed(4)}, but the mean cross-entropy of the returned weights on the training sentences (recomputed with tfjs) is ${now.toFixed(4)}: the curve does not describe this model.`,
      { hint: en`${hint} Record the loss of the model you return, per sentence (not summed over batches).` },
    );
  }
}

/** The learner's forward of the trained model agrees with the reference on a sample of `set`. */
async function expectTrainedForward(ctx: CheckContext, t: Trained, set: AnnotatedCorpus) {
  const rows = Array.from({ length: Math.min(AGREEMENT_ROWS, set.sentences.length) }, () => set.sentences[ctx.rng.int(set.sentences.length)]);
  const ids = idsOf(rows, t.vocab, MAX_LEN);
  await expectForward(ctx, t.model, t.weights, ids, en`forward(model, ids) of the trained model`);
  await expectRowAlone(ctx, t.model, ids, 1 + ctx.rng.int(ids.shape[0] - 1));
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** Below full marks: whether the model reads word order (the sentences a bag of words cannot tell). */
function orderHint(pred: Int32Array, set: AnnotatedCorpus): string | undefined {
  const of = (mixed: boolean) => {
    const idx = set.mixed.flatMap((m, i) => (m === mixed ? [i] : []));
    return accuracyOf(Int32Array.from(idx, (i) => pred[i]), Int32Array.from(idx, (i) => set.labels[i]));
  };
  const [mixed, same] = [of(true), of(false)];
  const counts = en`${pct(same)} of the sentences whose two nouns are of one kind (a bag of words can tell them) and ${pct(mixed)} of those with a person and an animal (only word order tells)`;
  if (same >= 0.85 && mixed < 0.7) {
    return en`Your model gets ${counts}: it does not use the order of the words, like a bag of words. Make the LSTM read the tokens in order and feed its last state to the dense layer (no mean-pooled embeddings, no recurrent weights held at zero), and train it long enough for the loss to get near 0.`;
  }
  return en`Your model gets ${counts}. Check that training really lowers the loss (learning rate, epochs, the gradient through time), and that the model you return is the one you trained.`;
}

async function accuracyCheck(ctx: CheckContext, which: "practice" | "full", tiers: AccuracyTier[]) {
  const t = await trained(ctx, which);
  const set = scoredSentences(which === "practice" ? "practice" : "heldOut", submissionSeed(ctx));
  const pred = argmaxRows(textLogitsTf(ctx.tf, t.weights, idsOf(set.sentences, t.vocab, MAX_LEN)), CLASSES);
  const acc = accuracyOf(pred, set.labels);
  const label = which === "practice" ? en`Accuracy on ${set.sentences.length} practice sentences` : en`Accuracy on ${set.sentences.length} held-out sentences`;
  return gradeAccuracy(label, acc, tiers, {
    count: set.sentences.length,
    // (predictionHint's chance-level branch is not for 2 classes: a bag of words reaches 60% here.)
    hint: acc < tiers[0].min ? (pred.every((p) => p === pred[0]) ? predictionHint(pred, set.labels, CLASSES) : orderHint(pred, set)) : undefined,
    data: curveData({ loss: t.losses as number[] }),
  });
}

const VISIBLE_SENTENCES = ["Yesterday, the big dog chased Anna.", "Anna was chased by the dog again.", "  The OWL  watched Ben!! ", "Emma, Dora and the cat?"];
const ENCODE_VOCAB = ["<pad>", "<unk>", "the", "dog", "chased", "anna", "was", "by", "big", "yesterday"];
const ENCODE_SENTENCES = ["The dog chased Anna.", "Yesterday, the big dog was chased by Anna.", "Anna chased the wolf.", "Dog."];

export default defineChecks({
  checks: [
    visible("tokenize: lower-case runs of the letters a-z", 1, async (ctx) => {
      for (const s of VISIBLE_SENTENCES) await expectTokens(ctx, s);
    }),
    visible("encode: the first maxLen tokens' ids, padded with 0 at the end, unknown words 1", 1, async (ctx) => {
      await expectEncode(ctx, ENCODE_SENTENCES, ENCODE_VOCAB, 6);
    }),
    visible("forward: embedding → LSTM masked at the padding → dense on the last state, against tfjs", 2, async (ctx) => {
      const c = forwardCase(ctx.rng, 12, 3, 4, 5, 7);
      const model = await ctx.learner.put(c.model);
      await expectForward(ctx, model, c.w, c.ids);
      await expectRowAlone(ctx, model, c.ids, 2);
    }),
    visible(`train on ${PRACTICE.count} practice sentences returns the model the statement prescribes; forward agrees with tfjs and the loss falls`, 1, async (ctx) => {
      const t = await trained(ctx, "practice");
      await expectTrainedForward(ctx, t, scoredSentences("practice", 0));
      expectLossFalls(ctx, t);
      const [e, h] = [t.weights.embedding.shape[1], t.weights.wh.shape[0]];
      return { output: en`V = ${t.vocab.length}, E = ${e}, H = ${h}; loss per epoch: ${(t.losses as number[]).map((v) => v.toFixed(3)).join(", ")}.`, data: curveData({ loss: t.losses as number[] }) };
    }),
    visible(`practice accuracy after training on ${PRACTICE.count} sentences (${pct(PRACTICE_TIERS[0].min)} for full marks)`, 1, (ctx) => accuracyCheck(ctx, "practice", PRACTICE_TIERS)),
    hidden("tokenize and encode sentences drawn for this submission", 1, async (ctx) => {
      const set = grammarCorpus(6, ctx.rng.int(2 ** 31));
      const noisy = set.sentences.map((s) => (ctx.rng.next() < 0.5 ? s.toUpperCase() : s).replace(/ /g, () => (ctx.rng.next() < 0.2 ? ",  " : " ")));
      ctx.describe(en`grammar sentences, some upper-case or with extra commas and spaces`);
      for (const s of noisy) await expectTokens(ctx, s);
      ctx.describe(en`a shuffled vocabulary with words missing, maxLen 4 to 10`);
      await expectEncode(ctx, noisy, shuffledVocab(ctx.rng, 1 + ctx.rng.int(5)), 4 + ctx.rng.int(7));
    }),
    hidden("forward on random weights and shapes", 1, async (ctx) => {
      for (let k = 0; k < 2; k++) {
        const c = forwardCase(ctx.rng, 4 + ctx.rng.int(10), 1 + ctx.rng.int(5), 1 + ctx.rng.int(6), 2 + ctx.rng.int(5), 2 + ctx.rng.int(9));
        ctx.describe(en`${c.ids.shape[0]} sentences padded to ${c.ids.shape[1]}, E = ${c.w.embedding.shape[1]}, H = ${c.w.wh.shape[0]}`);
        const model = await ctx.learner.put(c.model);
        await expectForward(ctx, model, c.w, c.ids);
        await expectRowAlone(ctx, model, c.ids, 1);
      }
    }),
    hidden(`held-out accuracy after training on ${PUBLIC_TRAIN.count.toLocaleString("en")} sentences (${pct(HELD_OUT_TIERS[0].min)} for full marks)`, 4, (ctx) => accuracyCheck(ctx, "full", HELD_OUT_TIERS)),
    hidden("the trained model: forward agrees with tfjs on held-out sentences, and its loss falls", 1, async (ctx) => {
      const t = await trained(ctx, "full");
      await expectTrainedForward(ctx, t, scoredSentences("heldOut", submissionSeed(ctx)));
      expectLossFalls(ctx, t);
    }),
  ],
});

