/**
 * Trusted code run inside the sandbox: reads what the grader scores from the model `train`
 * returned (vocabulary, embedding, LSTM, dense layer, loss curve), without copying the rest of
 * it out. Each property is read once here, so what the grader scores is one fixed set of weights.
 */
export function textModelParts(_learner: unknown, model: unknown): Record<string, unknown> | { error: string } {
  try {
    if (model === null || typeof model !== "object") return { model };
    const { vocab, embedding, lstm, dense, losses } = model as Record<string, unknown>;
    const pick = (o: unknown, keys: string[]) => (o !== null && typeof o === "object" ? Object.fromEntries(keys.map((k) => [k, (o as Record<string, unknown>)[k]])) : o);
    return {
      vocab: Array.isArray(vocab) ? vocab.slice(0, 1001).map((w: unknown) => (typeof w === "string" ? w.slice(0, 100) : w)) : vocab,
      embedding,
      lstm: pick(lstm, ["wx", "wh", "b"]),
      dense: pick(dense, ["w", "b"]),
      losses: Array.isArray(losses) ? losses.slice(0, 100_000).map((v: unknown) => (typeof v === "number" ? v : NaN)) : null,
    };
  } catch (e) {
    return { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}
