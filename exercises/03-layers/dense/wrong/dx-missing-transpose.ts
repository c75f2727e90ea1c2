// Mistake: dx = dy·w instead of dy·wᵀ (only "works" when shapes happen to allow it), here written with plain loops.
import { Tensor, add, matmul, sum, transpose } from "gradlab/nd";

export function denseForward(x: Tensor, w: Tensor, b: Tensor): Tensor {
  return add(matmul(x, w), b);
}

export function denseBackward(dy: Tensor, x: Tensor, w: Tensor): { dx: Tensor; dw: Tensor; db: Tensor } {
  const [n, d] = x.shape;
  const m = w.shape[1];
  const dx = new Float64Array(n * d);
  // wrong index: uses w[j, k] as if w were [M, D]
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += dy.data[i * m + j] * w.data[(j % d) * m + (k % m)];
    dx[i * d + k] = s;
  }
  return { dx: { shape: [n, d], data: dx } as unknown as Tensor, dw: matmul(transpose(x), dy), db: sum(dy, 0) };
}
