import { Tensor } from "gradlab/nd";

/** The study's task: two interleaved spirals, and the budget every depth trains under. */
export interface Task {
  /** [N, 2] training points and their N labels (0 or 1: which arm). */
  x: Tensor;
  y: Int32Array;
  /** Validation points [M, 2] and labels: report each model's accuracy on these. */
  xVal: Tensor;
  yVal: Int32Array;
  /** Units of every hidden layer. */
  hidden: number;
  /** The budget, the same for every depth: this many Adam steps, each on batchSize points drawn with random(), learning rate lr. */
  steps: number;
  batchSize: number;
  lr: number;
}

/** One depth's result. */
export interface DepthResult {
  /** 1, 2, 3 or 4: the number of dense layers. */
  depth: number;
  /** w [in, out], b [out]: 2 → hidden → … → 2, ReLU after every layer but the last, logits out. */
  layers: { w: Tensor; b: Tensor }[];
  /** The number of parameters (scalars) in layers. */
  params: number;
  /** The fraction of the validation points the trained model classifies right (argmax of the 2 logits). */
  accuracy: number;
  /** The mean cross-entropy of each step's minibatch: steps values. */
  losses: number[];
}

/**
 * Train one ReLU MLP per depth 1, 2, 3, 4 on task.x, task.y (softmax cross-entropy, Adam), each for
 * task.steps steps of task.batchSize points, and return their results in order of depth.
 * Use random() (uniform in [0, 1)) for the initial weights and the minibatches.
 * Checked by: every check (the study runs once per task and every check reads it).
 */
export function depthStudy(task: Task, random: () => number): DepthResult[] {
  // TODO: for each depth, initialise depth dense layers (He), train them for task.steps steps,
  // then measure the accuracy on task.xVal, task.yVal and count the parameters.
  return [1, 2, 3, 4].map((depth) => ({ depth, layers: [], params: 0, accuracy: 0, losses: [] }));
}
