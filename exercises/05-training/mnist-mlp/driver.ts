/**
 * Trusted code run inside the sandbox: reads the learning curve a model may carry
 * (`model.losses`), without copying the whole model out.
 */
export function lossCurve(_learner: unknown, model: unknown): number[] | null {
  try {
    const losses = model !== null && typeof model === "object" ? (model as { losses?: unknown }).losses : undefined;
    if (!Array.isArray(losses) && !(losses instanceof Float64Array)) return null;
    return Array.from(losses as ArrayLike<unknown>).slice(0, 100_000).map((v) => (typeof v === "number" ? v : NaN));
  } catch {
    return null; // the curve is optional: a model whose losses cannot be read has none
  }
}
