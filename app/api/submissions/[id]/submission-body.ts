/** The body of GET /api/submissions/:id (and of its long poll, …/wait): one shape, one redaction (the server's view). */
import type { SubmissionView } from "../../../_lib/server-loader.ts";

export function submissionBody(s: SubmissionView & { code: string }, withCode: boolean) {
  return { id: s.id, exerciseId: s.exerciseId, status: s.status, createdAt: s.createdAt, result: s.result, ...(s.feedbackAt ? { feedbackAt: s.feedbackAt } : {}), ...(withCode ? { code: s.code } : {}) };
}
