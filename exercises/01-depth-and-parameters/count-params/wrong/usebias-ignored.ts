// Mistake: useBias: false ignored: a bias is always counted.
export type LayerSpec =
  | { kind: "dense"; inputDim: number; units: number; useBias?: boolean }
  | { kind: "conv2d"; inChannels: number; filters: number; kernelSize: [number, number]; useBias?: boolean }
  | { kind: "embedding"; inputDim: number; outputDim: number }
  | { kind: "simpleRNN" | "lstm" | "gru"; inputDim: number; units: number }
  | { kind: "batchNormalization"; features: number }
  | { kind: "layerNormalization"; features: number }
  | { kind: "multiHeadAttention"; modelDim: number; numHeads: number };

export function countParams(layer: LayerSpec): { trainable: number; nonTrainable: number } {
  switch (layer.kind) {
    case "dense": {
      const bias = layer.units;
      return { trainable: layer.inputDim * layer.units + bias, nonTrainable: 0 };
    }
    case "conv2d": {
      const [kh, kw] = layer.kernelSize;
      const bias = layer.useBias === false ? 0 : layer.filters; // one bias per filter
      return { trainable: kh * kw * layer.inChannels * layer.filters + bias, nonTrainable: 0 };
    }
    case "embedding":
      return { trainable: layer.inputDim * layer.outputDim, nonTrainable: 0 };
    case "simpleRNN":
    case "lstm":
    case "gru": {
      const gates = layer.kind === "simpleRNN" ? 1 : layer.kind === "lstm" ? 4 : 3;
      const { inputDim: d, units: u } = layer;
      // kernel [d, g·u], recurrent kernel [u, g·u], one bias [g·u]
      return { trainable: gates * (d * u + u * u + u), nonTrainable: 0 };
    }
    case "batchNormalization":
      // gamma, beta trainable; moving mean, moving variance not
      return { trainable: 2 * layer.features, nonTrainable: 2 * layer.features };
    case "layerNormalization":
      return { trainable: 2 * layer.features, nonTrainable: 0 };
    case "multiHeadAttention": {
      const d = layer.modelDim; // numHeads · (d / numHeads) = d: heads split the projections
      return { trainable: 4 * (d * d + d), nonTrainable: 0 };
    }
  }
}
