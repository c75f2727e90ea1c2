// Mistake: dL/dh_t does not receive the gradient from step t + 1 through wh (only the cell path is carried through time).
import { Tensor, add, concat, div, exp, matmul, mul, neg, reshape, slice, square, stack, sub, sum, tanh, transpose, zeros } from "gradlab/nd";

/** x_t = x[:, t, :] as [N, D]. */
function step(x: Tensor, t: number): Tensor {
  const [n, , d] = x.shape;
  return reshape(slice(x, [0, t, 0], [n, 1, d]), [n, d]);
}

const sigmoid = (z: Tensor) => div(1, add(1, exp(neg(z))));

/** Columns [k·H, (k+1)·H) of z [N, 4H]: gate k in the order i, f, g, o. */
function block(z: Tensor, k: number, h: number): Tensor {
  return slice(z, [0, k * h], [z.shape[0], h]);
}

interface StepCache { hPrev: Tensor; cPrev: Tensor; i: Tensor; f: Tensor; g: Tensor; o: Tensor; tc: Tensor }

function run(x: Tensor, h0: Tensor, c0: Tensor, wx: Tensor, wh: Tensor, b: Tensor): { hs: Tensor[]; cache: StepCache[] } {
  const H = h0.shape[1];
  let h = h0;
  let c = c0;
  const hs: Tensor[] = [];
  const cache: StepCache[] = [];
  for (let t = 0; t < x.shape[1]; t++) {
    const z = add(add(matmul(step(x, t), wx), matmul(h, wh)), b);
    const i = sigmoid(block(z, 0, H));
    const f = sigmoid(block(z, 1, H));
    const g = tanh(block(z, 2, H));
    const o = sigmoid(block(z, 3, H));
    const cNew = add(mul(f, c), mul(i, g));
    const tc = tanh(cNew);
    cache.push({ hPrev: h, cPrev: c, i, f, g, o, tc });
    c = cNew;
    h = mul(o, tc);
    hs.push(h);
  }
  return { hs, cache };
}

export function lstmForward(x: Tensor, h0: Tensor, c0: Tensor, wx: Tensor, wh: Tensor, b: Tensor): Tensor {
  return stack(run(x, h0, c0, wx, wh, b).hs, 1);
}

export function lstmBackward(
  dhs: Tensor, x: Tensor, h0: Tensor, c0: Tensor, wx: Tensor, wh: Tensor, b: Tensor,
): { dx: Tensor; dh0: Tensor; dc0: Tensor; dwx: Tensor; dwh: Tensor; db: Tensor } {
  const { cache } = run(x, h0, c0, wx, wh, b);
  let dwx = zeros(wx.shape);
  let dwh = zeros(wh.shape);
  let db = zeros(b.shape);
  const dxs: Tensor[] = new Array(cache.length);
  let dhNext = zeros(h0.shape);
  let dcNext = zeros(c0.shape);
  for (let t = cache.length - 1; t >= 0; t--) {
    const { hPrev, cPrev, i, f, g, o, tc } = cache[t];
    const dh = step(dhs, t);
    const dc = add(mul(mul(dh, o), sub(1, square(tc))), dcNext);
    const dz = concat([
      mul(mul(dc, g), mul(i, sub(1, i))),         // input gate
      mul(mul(dc, cPrev), mul(f, sub(1, f))),     // forget gate
      mul(mul(dc, i), sub(1, square(g))),         // candidate
      mul(mul(dh, tc), mul(o, sub(1, o))),        // output gate
    ], 1);
    dxs[t] = matmul(dz, transpose(wx));
    dwx = add(dwx, matmul(transpose(step(x, t)), dz));
    dwh = add(dwh, matmul(transpose(hPrev), dz));
    db = add(db, sum(dz, 0));
    dhNext = matmul(dz, transpose(wh));
    dcNext = mul(dc, f);
  }
  return { dx: stack(dxs, 1), dh0: dhNext, dc0: dcNext, dwx, dwh, db };
}
