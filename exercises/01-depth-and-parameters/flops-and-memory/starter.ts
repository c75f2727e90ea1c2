export type ProfileLayer =
  | { kind: "dense"; units: number; useBias?: boolean } // useBias defaults to true
  | { kind: "conv2d"; filters: number; kernelSize: [number, number]; strides?: number; padding?: "valid" | "same"; useBias?: boolean }
  | { kind: "maxPooling2d"; poolSize: [number, number]; strides?: number } // strides default to poolSize[0]
  | { kind: "flatten" }
  | { kind: "lstm"; units: number; returnSequences?: boolean } // returnSequences defaults to false
  | { kind: "attention"; numHeads: number }; // self-attention on [T, d]; numHeads divides d

export interface LayerCost {
  /** Multiply-adds of the whole batch through this layer. */
  macs: number;
  /** Bytes (float32) of what the layer outputs for the whole batch, plus attention's weights. */
  activationBytes: number;
  /** Bytes (float32) of the layer's parameters. */
  paramBytes: number;
}

export interface Profile {
  /** One entry per layer, in order. */
  layers: LayerCost[];
  totalMacs: number;
  /** 2 × totalMacs. */
  totalFlops: number;
  totalActivationBytes: number;
  totalParamBytes: number;
}

/**
 * The cost of one forward pass of a batch of `batchSize` examples of shape `inputShape` (without
 * the batch dimension) through the sequential model `layers`.
 * Checked by: every check (the per-layer checks first report the first layer whose value differs).
 */
export function profile(inputShape: number[], layers: ProfileLayer[], batchSize: number): Profile {
  // TODO: walk the layers, tracking the current shape; count each layer's multiply-adds and bytes.
  return {
    layers: layers.map(() => ({ macs: 0, activationBytes: 0, paramBytes: 0 })),
    totalMacs: 0,
    totalFlops: 0,
    totalActivationBytes: 0,
    totalParamBytes: 0,
  };
}
