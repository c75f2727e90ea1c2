/**
 * Which of Run's check bundles use tfjs-layers: the Run worker loads layers (a third of its tfjs)
 * only for those (app/_run/tf-run.ts withLayers), so the other suites' pages get Run sooner. The
 * build (app/_build/run-assets.ts) looks in each bundle and the chunks it imports for a name that
 * layers has and core has not, used as a property (`tf.layers`, `tf.sequential`, `tf["input"]`:
 * checks get tfjs as one namespace, and none takes it apart), and a bundle with one exports
 * USES_TF_LAYERS = true. A false alarm only loads layers for nothing; a
 * suite that reached layers unmarked would fail its Run, which tests/e2e/app.test.ts's parity test
 * (every exercise's solution in Run) would show.
 */
export const USES_TF_LAYERS = "usesTfLayers";

/** The names of `layerNames` that `text` reads as a property (`x.name`, not `...name`; or `x["name"]`). */
export function layerNamesUsed(text: string, layerNames: readonly string[]): string[] {
  return layerNames.filter((n) => new RegExp(`[\\w$)\\]]\\.${n}\\b|\\[\\s*["'\`]${n}["'\`]\\s*\\]`).test(text));
}
