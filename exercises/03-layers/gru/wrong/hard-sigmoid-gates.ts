// Mistake: hard sigmoid gates (tf.layers.gru's default recurrentActivation) instead of the logistic sigmoid.
import { Tensor, add, clip, concat, div, exp, matmul, mul, neg, reshape, slice, square, stack, sub, sum, tanh, transpose, zeros } from "gradlab/nd";

/** x_t = x[:, t, :] as [N, D]. */
function step(x: Tensor, t: number): Tensor {
  const [n, , d] = x.shape;
  return reshape(slice(x, [0, t, 0], [n, 1, d]), [n, d]);
}

// tf.layers.gru's default recurrentActivation: clip(0.2·a + 0.5, 0, 1).
const sigmoid = (a: Tensor) => clip(add(mul(a, 0.2), 0.5), 0, 1);

/** Columns [k·H, (k+1)·H) of a [rows, 3H] matrix: block k in the order z, r, h. */
function block(m: Tensor, k: number, h: number): Tensor {
  return slice(m, [0, k * h], [m.shape[0], h]);
}

interface StepCache { xt: Tensor; hPrev: Tensor; z: Tensor; r: Tensor; hh: Tensor }

function run(x: Tensor, h0: Tensor, wx: Tensor, wh: Tensor, b: Tensor): { hs: Tensor[]; cache: StepCache[] } {
  const H = h0.shape[1];
  const [whZ, whR, whH] = [0, 1, 2].map((k) => block(wh, k, H));
  let h = h0;
  const hs: Tensor[] = [];
  const cache: StepCache[] = [];
  for (let t = 0; t < x.shape[1]; t++) {
    const xt = step(x, t);
    const xw = add(matmul(xt, wx), b);
    const z = sigmoid(add(block(xw, 0, H), matmul(h, whZ)));
    const r = sigmoid(add(block(xw, 1, H), matmul(h, whR)));
    const hh = tanh(add(block(xw, 2, H), matmul(mul(r, h), whH))); // reset before the matmul (tfjs)
    cache.push({ xt, hPrev: h, z, r, hh });
    h = add(mul(z, h), mul(sub(1, z), hh));
    hs.push(h);
  }
  return { hs, cache };
}

export function gruForward(x: Tensor, h0: Tensor, wx: Tensor, wh: Tensor, b: Tensor): Tensor {
  return stack(run(x, h0, wx, wh, b).hs, 1);
}

export function gruBackward(
  dhs: Tensor, x: Tensor, h0: Tensor, wx: Tensor, wh: Tensor, b: Tensor,
): { dx: Tensor; dh0: Tensor; dwx: Tensor; dwh: Tensor; db: Tensor } {
  const H = h0.shape[1];
  const whZR = slice(wh, [0, 0], [H, 2 * H]);
  const whH = block(wh, 2, H);
  const { cache } = run(x, h0, wx, wh, b);
  let dwx = zeros(wx.shape);
  let dwh = zeros(wh.shape);
  let db = zeros(b.shape);
  const dxs: Tensor[] = new Array(cache.length);
  let dNext = zeros(h0.shape);
  for (let t = cache.length - 1; t >= 0; t--) {
    const { xt, hPrev, z, r, hh } = cache[t];
    const dh = add(step(dhs, t), dNext);
    const daZ = mul(mul(dh, sub(hPrev, hh)), mul(z, sub(1, z)));
    const daH = mul(mul(dh, sub(1, z)), sub(1, square(hh)));
    const dRh = matmul(daH, transpose(whH)); // gradient reaching r ⊙ h_{t-1}
    const daR = mul(mul(dRh, hPrev), mul(r, sub(1, r)));
    const daZR = concat([daZ, daR], 1);
    const da = concat([daZR, daH], 1);
    dxs[t] = matmul(da, transpose(wx));
    dwx = add(dwx, matmul(transpose(xt), da));
    dwh = add(dwh, concat([matmul(transpose(hPrev), daZR), matmul(transpose(mul(r, hPrev)), daH)], 1));
    db = add(db, sum(da, 0));
    dNext = add(add(mul(dh, z), mul(dRh, r)), matmul(daZR, transpose(whZR)));
  }
  return { dx: stack(dxs, 1), dh0: dNext, dwx, dwh, db };
}
