/**
 * Two interleaved spirals, a task on which depth matters (depth-study): no line separates the
 * classes, one hidden layer needs many units to follow the arms, a few layers fold the plane.
 *
 * Each task is drawn from a seed: the geometry (number of turns, rotation, handedness, noise)
 * and the points. Tasks of the same seed share their geometry, so a grader can draw the
 * learner's training points and its own held-out points of one spiral from different seeds
 * (`spiralPoints(spiralGeometry(taskSeed), count, pointSeed)`). Pure and isomorphic: no I/O.
 */
import { Rng, Tensor } from "../lib/nd/index.ts";

export interface SpiralGeometry {
  /** Turns of each arm, from its centre to its end. */
  turns: number;
  /** Rotation of the whole figure, radians. */
  phase: number;
  /** +1 anticlockwise, -1 clockwise. */
  direction: 1 | -1;
  /** Standard deviation of the Gaussian noise added to each coordinate (the arms have radius 1). */
  noise: number;
}

export interface SpiralPoints {
  /** `[N, 2]`, coordinates within about [-1.1, 1.1]. */
  x: Tensor;
  /** `N` labels: 0 or 1, the arm each point belongs to; the classes alternate (balanced). */
  y: Int32Array;
}

/** Ranges the geometry is drawn from: between 1.25 and 1.75 turns, noise 0.02 to 0.04. */
export const SPIRAL_RANGES = { turns: [1.25, 1.75], noise: [0.02, 0.04] } as const;

export function spiralGeometry(seed: number): SpiralGeometry {
  const rng = new Rng(seed);
  const [t0, t1] = SPIRAL_RANGES.turns;
  const [n0, n1] = SPIRAL_RANGES.noise;
  return {
    turns: t0 + (t1 - t0) * rng.next(),
    phase: 2 * Math.PI * rng.next(),
    direction: rng.next() < 0.5 ? 1 : -1,
    noise: n0 + (n1 - n0) * rng.next(),
  };
}

/**
 * `count` points of the two arms (alternating labels 0, 1, 0, ...). Along an arm the radius
 * r = 0.1 + 0.9·s with s uniform in [0, 1] (no point at the centre, where the arms meet) and the angle
 * turns·2π·s + phase (+π for arm 1), times the direction.
 */
export function spiralPoints(g: SpiralGeometry, count: number, seed: number): SpiralPoints {
  const rng = new Rng(seed);
  const x = new Float64Array(2 * count);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const arm = i % 2;
    const s = rng.next();
    const r = 0.1 + 0.9 * s;
    const angle = g.direction * (g.turns * 2 * Math.PI * s + g.phase + arm * Math.PI);
    x[2 * i] = r * Math.cos(angle) + g.noise * rng.normal();
    x[2 * i + 1] = r * Math.sin(angle) + g.noise * rng.normal();
    y[i] = arm;
  }
  return { x: new Tensor(x, [count, 2]), y };
}
