// Mistake: conv2d multiply-adds counted over the input positions (stride and padding ignored).
export type ProfileLayer =
  | { kind: "dense"; units: number; useBias?: boolean }
  | { kind: "conv2d"; filters: number; kernelSize: [number, number]; strides?: number; padding?: "valid" | "same"; useBias?: boolean }
  | { kind: "maxPooling2d"; poolSize: [number, number]; strides?: number }
  | { kind: "flatten" }
  | { kind: "lstm"; units: number; returnSequences?: boolean }
  | { kind: "attention"; numHeads: number };

export interface LayerCost {
  macs: number;
  activationBytes: number;
  paramBytes: number;
}

export interface Profile {
  layers: LayerCost[];
  totalMacs: number;
  totalFlops: number;
  totalActivationBytes: number;
  totalParamBytes: number;
}

/** tfjs computes in float32. */
const BYTES_PER_FLOAT = 4;

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Output length along one spatial axis. */
function outSize(n: number, k: number, s: number, padding: "valid" | "same"): number {
  return padding === "same" ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
}

export function profile(inputShape: number[], layers: ProfileLayer[], batchSize: number): Profile {
  let shape = inputShape.slice();
  const out: LayerCost[] = [];
  for (const layer of layers) {
    let macs = 0; // per example
    let params = 0;
    let extraFloats = 0; // per example, kept besides the output (attention weights)
    const last = shape[shape.length - 1];
    switch (layer.kind) {
      case "dense": {
        // acts on the last axis: every position multiplies its `last` features by the [last, units] kernel
        shape = [...shape.slice(0, -1), layer.units];
        macs = size(shape) * last;
        params = last * layer.units + (layer.useBias === false ? 0 : layer.units);
        break;
      }
      case "conv2d": {
        const [h, w, c] = shape;
        const [kh, kw] = layer.kernelSize;
        const s = layer.strides ?? 1;
        const p = layer.padding ?? "valid";
        shape = [outSize(h, kh, s, p), outSize(w, kw, s, p), layer.filters];
        macs = h * w * layer.filters * kh * kw * c;
        params = kh * kw * c * layer.filters + (layer.useBias === false ? 0 : layer.filters);
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
        shape = [size(shape)];
        break;
      case "lstm": {
        const [t, d] = shape;
        const u = layer.units;
        macs = t * 4 * u * (d + u); // per step: x_t·W [d, 4u] and h·U [u, 4u]
        params = 4 * (d * u + u * u + u);
        shape = layer.returnSequences ? [t, u] : [u];
        break;
      }
      case "attention": {
        const [t, d] = shape;
        // Q, K, V and output projections: 4·T·d·d; scores Q·Kᵀ and weights·V: h·T·T·(d/h) = T·T·d each
        macs = 4 * t * d * d + 2 * t * t * d;
        params = 4 * (d * d + d);
        extraFloats = layer.numHeads * t * t;
        break;
      }
    }
    out.push({
      macs: batchSize * macs,
      activationBytes: BYTES_PER_FLOAT * batchSize * (size(shape) + extraFloats),
      paramBytes: BYTES_PER_FLOAT * params,
    });
  }
  const total = (f: keyof LayerCost) => out.reduce((s, l) => s + l[f], 0);
  const totalMacs = total("macs");
  return {
    layers: out,
    totalMacs,
    totalFlops: 2 * totalMacs,
    totalActivationBytes: total("activationBytes"),
    totalParamBytes: total("paramBytes"),
  };
}
