/**
 * Similarity between learners' submissions of one exercise, by Dolos's core library
 * (@dodona/dolos-core: winnowed k-gram fingerprints, pairs ranked by the share of fingerprints
 * they have in common, fragments of consecutive shared k-grams). Dolos's full library
 * (@dodona/dolos-lib) parses with tree-sitter's native grammars (@dodona/dolos-parsers builds
 * them with node-gyp at install), so the core runs on tokenize.ts's lexer instead. Nothing
 * leaves the server. The starter code is an ignored file (what everyone was given is no
 * evidence), and fingerprints found in more than half the submissions are ignored too (the
 * obvious way to write it, shared by most learners).
 */
import { File, FingerprintIndex, TokenizedFile } from "@dodona/dolos-core";
import { tokenize } from "./tokenize.ts";

export interface Span {
  startRow: number;
  startCol: number;
  endRow: number;
  endCol: number;
}

export interface SimilarPair {
  left: string;
  right: string;
  /** Share of both files' fingerprints that they have in common, 0..1. */
  similarity: number;
  /** The longest run of shared k-grams. */
  longest: number;
  /** Shared fragments: where they are in each file (0-based rows and columns, end exclusive). */
  fragments: { left: Span; right: Span }[];
}

export interface SimilarityReport {
  /** Pairs with anything in common, most similar first (at most `maxPairs`). */
  pairs: SimilarPair[];
  files: number;
  /** Fingerprints ignored because more than this many submissions share them. */
  sharedByMoreThan: number;
  kgramLength: number;
  window: number;
}

export const KGRAM = 12;
export const WINDOW = 8;

const span = (r: { startRow: number; startCol: number; endRow: number; endCol: number }): Span => ({ startRow: r.startRow, startCol: r.startCol, endRow: r.endRow, endCol: r.endCol });

function tokenized(path: string, code: string): TokenizedFile {
  const { tokens, mapping } = tokenize(code);
  return new TokenizedFile(new File(path, code), tokens, mapping);
}

/**
 * Compares the submissions (`id` → code). `onFile` is called after each file is fingerprinted
 * (progress); it may be async (the caller yields to the event loop there).
 */
export async function analyse(input: { starter: string; submissions: { id: string; code: string }[]; maxPairs?: number; onFile?: (done: number) => Promise<void> | void }): Promise<SimilarityReport> {
  const n = input.submissions.length;
  const sharedByMoreThan = Math.max(2, Math.floor(n / 2));
  const index = new FingerprintIndex(KGRAM, WINDOW, false, sharedByMoreThan);
  index.addIgnoredFile(tokenized("starter", input.starter));
  const byFile = new Map<TokenizedFile, string>();
  let done = 0;
  for (const s of input.submissions) {
    const f = tokenized(s.id, s.code);
    byFile.set(f, s.id);
    index.addFiles([f]);
    await input.onFile?.(++done);
  }
  const pairs = index
    .allPairs()
    .filter((p) => p.similarity > 0)
    .sort((a, b) => b.similarity - a.similarity || b.longest - a.longest)
    .slice(0, input.maxPairs ?? 200)
    .map((p) => ({
      left: byFile.get(p.leftFile)!,
      right: byFile.get(p.rightFile)!,
      similarity: Math.round(p.similarity * 1000) / 1000,
      longest: p.longest,
      fragments: p.buildFragments().map((f) => ({ left: span(f.leftSelection), right: span(f.rightSelection) })),
    }));
  return { pairs, files: n, sharedByMoreThan, kgramLength: KGRAM, window: WINDOW };
}
