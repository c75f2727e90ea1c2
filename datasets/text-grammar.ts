/**
 * A small English-like corpus whose label depends on word order, for the text-classifier
 * exercise: who did something to whom, in the active or the passive voice.
 *
 *   The big dog chased Anna.             → 1 (an animal did it)
 *   Anna was chased by the big dog.      → 1
 *   Yesterday, Anna chased the big dog.  → 0 (a person did it)
 *   The dog was chased by Anna again.    → 0
 *
 * The label says whether the doer (the subject of an active sentence, the noun after "by" in a
 * passive one) is an animal. In most sentences (`MIXED_SHARE`) one noun is a person and the
 * other an animal, and then both orders of the same words are equally likely with opposite
 * labels: a bag of words cannot beat a coin there, so its accuracy is bounded by
 * `1 - MIXED_SHARE / 2` (60%), while a sequence model can read the order.
 *
 * Isomorphic and deterministic (lib/nd's seeded Rng): the same seed, the same sentences, in the
 * host and in the browser's Run. What is secret is a seed (the grader draws held-out sentences
 * from a per-submission seed), never this code.
 */
import { Rng } from "../lib/nd/index.ts";

export const PEOPLE = ["Anna", "Ben", "Carl", "Dora", "Emma"] as const;
export const ANIMALS = ["cat", "dog", "fox", "owl", "wolf"] as const;
export const VERBS = ["chased", "helped", "followed", "watched", "called", "pushed"] as const;
export const ADJECTIVES = ["big", "small", "old", "young"] as const;
export const ADVERBS = ["today", "again", "yesterday", "quietly"] as const;

/** Every word of the grammar, lower case (27): what a tokeniser of its sentences can meet. */
export const GRAMMAR_WORDS: readonly string[] = [
  ...PEOPLE.map((p) => p.toLowerCase()),
  ...ANIMALS,
  ...VERBS,
  ...ADJECTIVES,
  ...ADVERBS,
  "the",
  "was",
  "by",
];

/** The most tokens a sentence has: "Yesterday, the big dog was chased by Anna." is 9; with two adjectives, 10. */
export const MAX_SENTENCE_TOKENS = 10;

/** Share of sentences with one person and one animal (whose label only word order tells). */
export const MIXED_SHARE = 0.8;

export interface TextCorpus {
  sentences: string[];
  /** 1 when the doer is an animal, 0 when a person. */
  labels: Int32Array;
}

/** A corpus with what generated each sentence (for diagnoses: bag-of-words-separable or not). */
export interface AnnotatedCorpus extends TextCorpus {
  /** Whether the sentence mixes a person and an animal (only word order tells its label). */
  mixed: boolean[];
  passive: boolean[];
}

const pick = <T>(items: readonly T[], rng: Rng): T => items[rng.int(items.length)];

/** A noun phrase: a name, or "the [adjective] animal". */
function nounPhrase(animal: boolean, avoid: string | undefined, rng: Rng): { head: string; words: string[] } {
  const pool = (animal ? ANIMALS : PEOPLE).filter((n) => n !== avoid);
  const head = pick(pool, rng);
  if (!animal) return { head, words: [head] };
  return { head, words: rng.next() < 0.5 ? ["the", pick(ADJECTIVES, rng), head] : ["the", head] };
}

function sentence(rng: Rng): { text: string; label: number; mixed: boolean; passive: boolean } {
  const label = rng.int(2);
  const mixed = rng.next() < MIXED_SHARE;
  const passive = rng.next() < 0.5;
  const doer = nounPhrase(label === 1, undefined, rng);
  const doerAnimal = label === 1;
  const other = nounPhrase(mixed ? !doerAnimal : doerAnimal, doer.head, rng);
  const verb = pick(VERBS, rng);
  const core = passive ? [...other.words, "was", verb, "by", ...doer.words] : [...doer.words, verb, ...other.words];
  const where = rng.int(3); // no adverb, one in front, one at the end
  const adverb = pick(ADVERBS, rng);
  const words = where === 1 ? [`${adverb},`, ...core] : where === 2 ? [...core, adverb] : core;
  const text = words.join(" ");
  return { text: `${text[0].toUpperCase()}${text.slice(1)}.`, label, mixed, passive };
}

/** `count` sentences drawn from `seed`, each label equally likely. */
export function grammarCorpus(count: number, seed: number): AnnotatedCorpus {
  const rng = new Rng(seed);
  const out: AnnotatedCorpus = { sentences: [], labels: new Int32Array(count), mixed: [], passive: [] };
  for (let i = 0; i < count; i++) {
    const s = sentence(rng);
    out.sentences.push(s.text);
    out.labels[i] = s.label;
    out.mixed.push(s.mixed);
    out.passive.push(s.passive);
  }
  return out;
}

/** Lower-case runs of letters a-z: the tokenisation the exercise prescribes (and its reference). */
export function grammarTokens(sentence: string): string[] {
  return sentence.toLowerCase().match(/[a-z]+/g) ?? [];
}
