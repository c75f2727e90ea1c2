// The text-classifier corpus: deterministic per seed, labels balanced, and a label that only word
// order tells in most sentences (the same words in the other order have the other label).
import { describe, expect, it } from "vitest";
import { GRAMMAR_WORDS, MAX_SENTENCE_TOKENS, MIXED_SHARE, grammarCorpus, grammarTokens } from "./text-grammar.ts";

const key = (s: string) => grammarTokens(s).sort().join(" ");

describe("grammarCorpus", () => {
  const corpus = grammarCorpus(4000, 7);

  it("is the same for the same seed and differs for another", () => {
    expect(grammarCorpus(50, 7).sentences).toEqual(corpus.sentences.slice(0, 50));
    expect(grammarCorpus(50, 8).sentences).not.toEqual(corpus.sentences.slice(0, 50));
  });

  it("uses only the grammar's 27 words, at most 10 tokens a sentence, labels 0 and 1 about equally", () => {
    expect(new Set(GRAMMAR_WORDS).size).toBe(27);
    const words = new Set(corpus.sentences.flatMap(grammarTokens));
    expect([...words].sort()).toEqual([...GRAMMAR_WORDS].sort());
    expect(Math.max(...corpus.sentences.map((s) => grammarTokens(s).length))).toBe(MAX_SENTENCE_TOKENS);
    const ones = corpus.labels.reduce((s, y) => s + y, 0);
    expect(Math.abs(ones / 4000 - 0.5)).toBeLessThan(0.03);
  });

  it("labels the doer: the subject of an active sentence, the noun after 'by' in a passive one", () => {
    const animals = new Set(["cat", "dog", "fox", "owl", "wolf"]);
    corpus.sentences.forEach((s, i) => {
      const t = grammarTokens(s);
      const nouns = t.filter((w) => animals.has(w) || ["anna", "ben", "carl", "dora", "emma"].includes(w));
      const doer = t.includes("by") ? nouns[1] : nouns[0];
      expect(animals.has(doer) ? 1 : 0, s).toBe(corpus.labels[i]);
    });
  });

  it("defeats a bag of words: the best bag-of-words rule is right about 60% of the time", () => {
    // The best any order-blind model can do: for each multiset of words, predict its majority label.
    const votes = new Map<string, [number, number]>();
    corpus.sentences.forEach((s, i) => {
      const v = votes.get(key(s)) ?? [0, 0];
      v[corpus.labels[i]]++;
      votes.set(key(s), v);
    });
    const held = grammarCorpus(4000, 8);
    let right = 0;
    held.sentences.forEach((s, i) => {
      const v = votes.get(key(s));
      const guess = v ? (v[1] > v[0] ? 1 : 0) : 0;
      if (guess === held.labels[i]) right++;
    });
    expect(held.mixed.filter(Boolean).length / 4000).toBeCloseTo(MIXED_SHARE, 1);
    expect(right / 4000).toBeLessThan(0.64);
  });
});

describe("grammarTokens", () => {
  it("lower-cases and keeps runs of letters only", () => {
    expect(grammarTokens("  Yesterday,  the OWL watched Ben!! ")).toEqual(["yesterday", "the", "owl", "watched", "ben"]);
    expect(grammarTokens("...")).toEqual([]);
  });
});
