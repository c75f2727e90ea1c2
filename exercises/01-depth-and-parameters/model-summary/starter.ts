export type SeqLayer =
  | { kind: "dense"; units: number; useBias?: boolean } // useBias defaults to true
  | { kind: "conv2d"; filters: number; kernelSize: [number, number]; strides?: number; padding?: "valid" | "same"; useBias?: boolean }
  | { kind: "maxPooling2d"; poolSize: [number, number]; strides?: number } // strides default to poolSize[0]
  | { kind: "flatten" }
  | { kind: "dropout"; rate: number }
  | { kind: "batchNormalization" };

export interface Summary {
  /** One entry per layer, in order; outputShape without the batch dimension. */
  layers: { outputShape: number[]; trainable: number; nonTrainable: number }[];
  totalTrainable: number;
  totalNonTrainable: number;
  /** The number of layers that hold trainable parameters. */
  depth: number;
}

/**
 * The summary of a sequential model whose input has shape `inputShape` (without the batch dimension).
 * Checked by: the per-layer checks (shapes and counts), "totals ..." and "depth ...".
 */
export function summarize(inputShape: number[], layers: SeqLayer[]): Summary {
  // TODO: walk the layers, tracking the current shape
  return {
    layers: layers.map(() => ({ outputShape: inputShape.slice(), trainable: 0, nonTrainable: 0 })),
    totalTrainable: 0,
    totalNonTrainable: 0,
    depth: 0,
  };
}
