/**
 * The three submission routes every graded submission goes through, one implementation for both
 * ways a request arrives (Next's route files in app/api/submissions/** delegate here; the web
 * server answers them directly, see submission-fast-path.ts):
 *   POST /api/submissions {exerciseId, code} → 202 {id}: stored, then queued for grading.
 *   GET  /api/submissions/:id → {id, status, result}; 404 for someone else's (instructors read all).
 *   GET  /api/submissions/:id/wait → the same answer as the GET, as soon as the submission's
 *        status differs from ?known= (queued or running; without it: once the verdict is in), or
 *        after ?timeout= seconds (at most 25) with the current status, and the client asks again.
 *        A long poll: one request per change instead of one every few hundred ms. The waiting is
 *        shared by all requests (verdict-waits.ts: one query for every waiting request, woken by
 *        database writes). A user past their share of waiting requests gets the current status
 *        at once with Retry-After (the page then backs off).
 */
import { ApiAnswer } from "./api-answer.ts";
import type { ApiCall, ApiOptions } from "./api-pipeline.ts";
import { db, HttpError } from "./context.ts";
import { readableStatus, readSubmission, submit, type SubmissionView } from "./index.ts";
import { verdictWaitsOn } from "./verdict-waits.ts";
import { text } from "../lib/i18n/server-text.ts";

export interface RouteCall extends ApiCall {
  params: { id?: string };
  query: URLSearchParams;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

export interface SubmissionRoute {
  options: ApiOptions;
  handle(call: RouteCall): unknown;
}

/** The body of GET /api/submissions/:id and of its long poll: one shape, one redaction (readSubmission's view). */
export function submissionBody(s: SubmissionView & { code: string }, withCode: boolean) {
  return { id: s.id, exerciseId: s.exerciseId, status: s.status, createdAt: s.createdAt, result: s.result, ...(s.feedbackAt ? { feedbackAt: s.feedbackAt } : {}), ...(withCode ? { code: s.code } : {}) };
}

const notFound = (id: string) => new HttpError(404, text("errors.submit.notFound", { id }));

export const post: SubmissionRoute = {
  options: { invalidBody: text("errors.submit.invalidJson") },
  async handle({ user, body }) {
    const out = await submit(user, body);
    if (!out.ok) throw new HttpError(out.status, out.text, out.retryAfter ? { "Retry-After": String(out.retryAfter) } : {});
    return new ApiAnswer(202, { id: out.id }, { Location: `/api/submissions/${out.id}` });
  },
};

export const read: SubmissionRoute = {
  options: {},
  handle({ user, params, query }) {
    const id = params.id ?? "";
    const s = readSubmission(user, id);
    if (!s) throw notFound(id);
    return submissionBody(s, query.get("code") === "1");
  },
};

const MAX_WAIT_S = 25;
const KNOWN = new Set(["queued", "running"]);

export const wait: SubmissionRoute = {
  options: {},
  async handle({ user, params, query, signal }) {
    const id = params.id ?? "";
    const asked = Number(query.get("timeout") ?? MAX_WAIT_S);
    const waitMs = 1000 * Math.min(MAX_WAIT_S, Math.max(0, Number.isFinite(asked) ? asked : MAX_WAIT_S));
    const knownParam = query.get("known");
    const known = knownParam && KNOWN.has(knownParam) ? knownParam : null;
    const deadline = Date.now() + waitMs;
    const waits = verdictWaitsOn(db.$client);
    let busy = false;
    for (;;) {
      // Same rule as the GET: someone else's submission is a 404 (instructors read all). Only the
      // status while waiting; the answer is built once, below.
      const status = readableStatus(user, id);
      if (!status) throw notFound(id);
      const left = deadline - Date.now();
      if (status === "done" || (known !== null && status !== known) || left <= 0 || signal.aborted) break;
      const outcome = await waits.wait(user.id, id, status, left, signal);
      if (outcome === "busy") busy = true;
      // "changed" or "timeout": look again (the deadline ends the loop); "busy" or "aborted": answer now.
      if (outcome === "busy" || outcome === "aborted") break;
    }
    // The answer (and its redaction) is exactly the GET's.
    const s = readSubmission(user, id);
    if (!s) throw notFound(id);
    return new ApiAnswer(200, submissionBody(s, query.get("code") === "1"), { "Cache-Control": "no-store", ...(busy ? { "Retry-After": "2" } : {}) });
  },
};
