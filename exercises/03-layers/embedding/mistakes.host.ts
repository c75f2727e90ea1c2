// Float64 versions of known embedding mistakes, for hints. Server-only: a lookup with the table read
// the other way round, or a scatter that adds into the other layout, is one small change away from
// embeddingForward/embeddingBackward, so in the browser's Run these answer only calls recorded from
// the solution's visible run (none: hints run only for a wrong answer) and a hint there says
// nothing (docs/authoring.md, "What Run ships").
import { Tensor } from "gradlab/nd";

export interface EmbInputs {
  ids: Int32Array; // length n, values in [0, V)
  table: Tensor; // [V, D]
  dy: Tensor; // [n, D]
}

/** The learner read the table as if it were [D, V]: element (i, j) = table.data[j·V + ids[i]]. */
export function transposedLookup(c: EmbInputs): Tensor {
  const [v, d] = c.table.shape;
  const out = new Float64Array(c.ids.length * d);
  c.ids.forEach((id, i) => {
    for (let j = 0; j < d; j++) out[i * d + j] = c.table.data[j * v + id];
  });
  return new Tensor(out, [c.ids.length, d]);
}

/** A wrong scatter: each row of dy overwrites its id's row, or repeated ids' rows are averaged. */
export function wrongScatter(c: EmbInputs, mode: "overwrite" | "mean"): Tensor {
  const [v, d] = c.table.shape;
  const out = new Float64Array(v * d);
  const count = new Array<number>(v).fill(0);
  c.ids.forEach((id) => count[id]++);
  c.ids.forEach((id, i) => {
    for (let j = 0; j < d; j++) {
      const g = c.dy.data[i * d + j];
      out[id * d + j] = mode === "overwrite" ? g : out[id * d + j] + g / count[id];
    }
  });
  return new Tensor(out, [v, d]);
}

/** The gradient scattered into a [D, V] layout (column ids[i]) but returned with shape [V, D]. */
export function transposedScatter(c: EmbInputs): Tensor {
  const [v, d] = c.table.shape;
  const out = new Float64Array(v * d);
  c.ids.forEach((id, i) => {
    for (let j = 0; j < d; j++) out[j * v + id] += c.dy.data[i * d + j];
  });
  return new Tensor(out, [v, d]);
}
