/**
 * The exercise page's wait for a submission's verdict: a long poll (GET /api/submissions/:id/wait,
 * answered when the status changes or after 25 s), so the server does one request's work per
 * change instead of one per poll. When the long poll fails (a network error, a 5xx, or a server
 * other than a refusal), it polls the plain GET for the rest of the wait, pausing 1 s, 2 s, 4 s,
 * 8 s, then 10 s between polls. A busy server answers the long poll at once with Retry-After: the
 * page waits that long before asking again.
 */
import type { GradeResult } from "../../lib/result.ts";

export type SubmissionStatus = "queued" | "running" | "done";

export interface SubmissionState {
  status: SubmissionStatus;
  result: GradeResult | null;
  /** Exam mode: the result is withheld until then (ms). */
  feedbackAt?: number;
  error?: string;
}

export interface WaitOptions {
  /** Called when the status changes (queued → running). */
  onStatus?: (status: SubmissionStatus) => void;
  /** The error message for an answer without one. */
  serverAnswered: (status: number) => string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Consecutive failed requests before giving up (each after a longer pause). */
  maxFailures?: number;
}

/** Pauses after failures: 1 s, 2 s, 4 s, 8 s, then 10 s. */
export const backoffMs = (n: number) => Math.min(10_000, 1000 * 2 ** Math.max(0, n - 1));

/** An answer about the submission that will not change by asking again (401, 403, 404…). */
export class SubmissionWaitError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves with the submission once its verdict is in (or withheld until feedbackAt). */
export async function waitForVerdict(id: string, opts: WaitOptions): Promise<SubmissionState> {
  const get = opts.fetch ?? ((input, init) => fetch(input, init));
  const sleep = opts.sleep ?? delay;
  const maxFailures = opts.maxFailures ?? 8;
  let known: SubmissionStatus = "queued";
  let failures = 0;
  let pause = 0;
  /** Polls since the long poll failed (0: long polling). */
  let polls = 0;
  for (;;) {
    if (pause > 0) await sleep(pause);
    // After a failure, the plain GET: it works wherever the long poll does not (a proxy that cuts slow answers).
    const url = polls === 0 ? `/api/submissions/${encodeURIComponent(id)}/wait?known=${known}` : `/api/submissions/${encodeURIComponent(id)}`;
    let res: Response;
    let body: Partial<SubmissionState>;
    try {
      res = await get(url, { cache: "no-store" });
      body = (await res.json().catch(() => ({}))) as Partial<SubmissionState>;
    } catch (e) {
      if (++failures >= maxFailures) throw e;
      polls++;
      pause = backoffMs(failures);
      continue;
    }
    if (!res.ok) {
      const message = body.error ?? opts.serverAnswered(res.status);
      // Retrying will not help a refusal (signed out, not yours, gone): say it now.
      if (res.status < 500 && res.status !== 429 && res.status !== 408) throw new SubmissionWaitError(message, res.status);
      if (++failures >= maxFailures) throw new SubmissionWaitError(message, res.status);
      polls++;
      pause = retryAfterMs(res) ?? backoffMs(failures);
      continue;
    }
    failures = 0;
    const status = body.status ?? "queued";
    if (body.feedbackAt || status === "done") return { status, result: body.result ?? null, ...(body.feedbackAt ? { feedbackAt: body.feedbackAt } : {}) };
    if (status !== known) {
      known = status;
      opts.onStatus?.(status);
    }
    // Polling: a growing pause. Long polling: none, unless a busy server asked for one (Retry-After).
    pause = polls > 0 ? backoffMs(++polls) : (retryAfterMs(res) ?? 0);
  }
}

function retryAfterMs(res: Response): number | undefined {
  const s = Number(res.headers.get("retry-after"));
  return Number.isFinite(s) && s > 0 ? Math.min(30, s) * 1000 : undefined;
}
