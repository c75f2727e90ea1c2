import { Tensor } from "gradlab/nd";

/** Pixels a training image. */
const PIXELS = 784;

/**
 * Trusted code run inside the sandbox: the training digits as the learner's `train` receives them,
 * `{ x: Tensor [rows, 784], y }`, from the packed form the grader sends (checks.ts `packDigits`: one
 * byte a pixel, four to an Int32, and the table of the 256 pixel values).
 */
export function unpackDigits(_learner: unknown, codes: Int32Array, table: Float64Array, rows: number, y: Int32Array): { x: Tensor; y: Int32Array } {
  const bytes = new Uint8Array(codes.buffer, codes.byteOffset, rows * PIXELS);
  const x = new Float64Array(rows * PIXELS);
  for (let i = 0; i < x.length; i++) x[i] = table[bytes[i]];
  return { x: new Tensor(x, [rows, PIXELS]), y };
}

/**
 * Trusted code run inside the sandbox: reads what the grader needs from the model `train`
 * returned (its layers' w and b, and its loss curve), without copying the rest of it out. Each
 * property is read once here, so what the grader scores is one fixed set of weights.
 */
export function mlpParts(_learner: unknown, model: unknown): { layers: unknown; losses: unknown } | { error: string } {
  try {
    if (model === null || typeof model !== "object") return { layers: model, losses: undefined };
    const { layers, losses } = model as { layers?: unknown; losses?: unknown };
    const parts = Array.isArray(layers)
      ? layers.slice(0, 17).map((l: unknown) => (l !== null && typeof l === "object" ? { w: (l as { w?: unknown }).w, b: (l as { b?: unknown }).b } : l))
      : layers;
    return { layers: parts, losses: lossCurve(losses) };
  } catch (e) {
    return { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

function lossCurve(losses: unknown): number[] | null {
  if (!Array.isArray(losses) && !(losses instanceof Float64Array)) return null;
  return Array.from(losses as ArrayLike<unknown>).slice(0, 100_000).map((v) => (typeof v === "number" ? v : NaN));
}
