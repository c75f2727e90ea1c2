/** Similarity between learners' submissions (issue 15 item 4): Dolos's engine, run as durable background jobs. */
export { startSimilarity, similarityRunsOf, similarityRun, similarityPair, runOne, type SimilarityRunView, type PairView } from "./runs.ts";
export type { SimilarityReport, SimilarPair, Span } from "./analyse.ts";
