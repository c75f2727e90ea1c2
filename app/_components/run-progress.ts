/**
 * What the page makes of a Run's progress messages (app/_run/protocol.ts): checks done, the one
 * running, and from the lines the learner's code logs as it runs, a loss curve and the epoch.
 * A line counts when it names a loss ("loss 0.42", "loss: 4.2e-1", "train_loss=0.42") or an
 * epoch ("epoch 3/10", "epoch 3 of 10"); anything else is only shown as text.
 */
export interface RunProgressState {
  done: number;
  total: number;
  check?: string;
  /** The last lines logged (at most KEEP_LINES). */
  lines: string[];
  /** Every loss value logged, in order (at most KEEP_LOSSES). */
  losses: number[];
  epoch?: { at: number; of: number };
}

const KEEP_LINES = 8;
const KEEP_LOSSES = 2000;
const LOSS = /loss\b\s*[:=]?\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)/i;
const EPOCH = /epoch\s*[:=#]?\s*(\d+)\s*(?:\/|of)\s*(\d+)/i;

export const emptyProgress = (): RunProgressState => ({ done: 0, total: 0, lines: [], losses: [] });

export function applyProgress(s: RunProgressState, m: { done?: number; total?: number; check?: string; lines?: string[] }): RunProgressState {
  const next: RunProgressState = { ...s };
  if (typeof m.done === "number") next.done = m.done;
  if (typeof m.total === "number") next.total = m.total;
  if (m.check !== undefined || typeof m.done === "number") next.check = m.check;
  if (m.lines?.length) {
    next.lines = [...s.lines, ...m.lines].slice(-KEEP_LINES);
    const losses = [...s.losses];
    for (const line of m.lines) {
      const l = LOSS.exec(line);
      if (l && Number.isFinite(Number(l[1]))) losses.push(Number(l[1]));
      const e = EPOCH.exec(line);
      if (e && Number(e[2]) > 0) next.epoch = { at: Math.min(Number(e[1]), Number(e[2])), of: Number(e[2]) };
    }
    next.losses = losses.slice(-KEEP_LOSSES);
  }
  return next;
}

/** The bar's fill in [0, 1]: checks done, plus the running check's share by the logged epoch. */
export function progressFraction(s: RunProgressState): number {
  if (!s.total) return 0;
  const within = s.check && s.epoch ? s.epoch.at / s.epoch.of : 0;
  return Math.min(1, (s.done + within) / s.total);
}
