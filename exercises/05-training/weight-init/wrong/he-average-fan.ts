// Mistake: He scaled over the average fan, 2 / ((fanIn + fanOut) / 2), instead of fanIn alone.
import { Tensor } from "gradlab/nd";

type InitKind = "glorotUniform" | "glorotNormal" | "heUniform" | "heNormal";

export function computeFans(shape: number[]): { fanIn: number; fanOut: number } {
  const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  if (shape.length >= 3 && shape.length <= 5) {
    // Conv kernels [..., in, out]: every position of the receptive field is a separate input / output.
    const receptive = prod(shape.slice(0, -2));
    return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
  }
  const s = Math.sqrt(prod(shape));
  return { fanIn: s, fanOut: s };
}

/** N(0, 1) by Box–Muller from two uniforms (1 − u keeps the log finite). */
function standardNormal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export function initialize(kind: InitKind, shape: number[], random: () => number): Tensor {
  const { fanIn, fanOut } = computeFans(shape);
  const scale = kind.startsWith("glorot") ? 1 / Math.max(1, (fanIn + fanOut) / 2) : 2 / Math.max(1, (fanIn + fanOut) / 2);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  if (kind.endsWith("Uniform")) {
    const limit = Math.sqrt(3 * scale);
    for (let i = 0; i < n; i++) data[i] = (2 * random() - 1) * limit;
  } else {
    // tf.truncatedNormal: redraw anything beyond 2 stddev; the stddev is not corrected for the cut.
    const sd = Math.sqrt(scale);
    for (let i = 0; i < n; i++) {
      let z: number;
      do z = standardNormal(random);
      while (Math.abs(z) > 2);
      data[i] = z * sd;
    }
  }
  return new Tensor(data, shape.slice());
}
