// Mistake: the conv kernel taken as kernelSize[0] x kernelSize[0]; right for square kernels only.
export type SeqLayer =
  | { kind: "dense"; units: number; useBias?: boolean }
  | { kind: "conv2d"; filters: number; kernelSize: [number, number]; strides?: number; padding?: "valid" | "same"; useBias?: boolean }
  | { kind: "maxPooling2d"; poolSize: [number, number]; strides?: number }
  | { kind: "flatten" }
  | { kind: "dropout"; rate: number }
  | { kind: "batchNormalization" };

export interface Summary {
  layers: { outputShape: number[]; trainable: number; nonTrainable: number }[];
  totalTrainable: number;
  totalNonTrainable: number;
  depth: number;
}

/** Output length along one spatial axis. */
function outSize(n: number, k: number, s: number, padding: "valid" | "same"): number {
  return padding === "same" ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
}

export function summarize(inputShape: number[], layers: SeqLayer[]): Summary {
  let shape = inputShape.slice();
  const out: Summary["layers"] = [];
  for (const layer of layers) {
    let trainable = 0;
    let nonTrainable = 0;
    const last = shape[shape.length - 1];
    switch (layer.kind) {
      case "dense": // acts on the last axis
        trainable = last * layer.units + (layer.useBias === false ? 0 : layer.units);
        shape = [...shape.slice(0, -1), layer.units];
        break;
      case "conv2d": {
        const [h, w, c] = shape;
        const [kh] = layer.kernelSize;
        const kw = kh;
        const s = layer.strides ?? 1;
        const p = layer.padding ?? "valid";
        trainable = kh * kw * c * layer.filters + (layer.useBias === false ? 0 : layer.filters);
        shape = [outSize(h, kh, s, p), outSize(w, kw, s, p), layer.filters];
        break;
      }
      case "maxPooling2d": {
        const [h, w, c] = shape;
        const [ph, pw] = layer.poolSize;
        const s = layer.strides ?? ph;
        shape = [outSize(h, ph, s, "valid"), outSize(w, pw, s, "valid"), c];
        break;
      }
      case "flatten":
        shape = [shape.reduce((a, b) => a * b, 1)];
        break;
      case "dropout":
        break;
      case "batchNormalization": // gamma, beta trainable; moving mean and variance not
        trainable = 2 * last;
        nonTrainable = 2 * last;
        break;
    }
    out.push({ outputShape: shape.slice(), trainable, nonTrainable });
  }
  return {
    layers: out,
    totalTrainable: out.reduce((s, l) => s + l.trainable, 0),
    totalNonTrainable: out.reduce((s, l) => s + l.nonTrainable, 0),
    depth: out.filter((l) => l.trainable > 0).length,
  };
}
