/** Per-exercise analytics for staff: pass rate, the distribution of learners' best scores, the checks that fail most and the hints given. */
import { and, eq, inArray } from "drizzle-orm";
import { submissionCourses, submissions } from "../../db/schema.ts";
import type { GradeResult, LocalText } from "../../lib/result.ts";
import { text } from "../../lib/i18n/server-text.ts";
import { db, findExercise, HttpError, type SessionUser } from "../context.ts";
import { gradebookParts } from "./gradebook.ts";
import { madeIn, requireCourse } from "./roles.ts";

export interface ExerciseAnalytics {
  exerciseId: string;
  title: string;
  points: number;
  version: string;
  learners: number;
  attempted: number;
  passed: number;
  submissions: number;
  submissionsPassed: number;
  /** Learners' best raw score as a fraction of full marks, in 10 bins [0, .1), …, [.9, 1]. */
  distribution: number[];
  failingChecks: { name: string; count: number }[];
  /** The hints given, in English, each with its translatable text (when the grader made it with `en`) for the page to show in the reader's language. */
  hints: { hint: string; text?: LocalText; count: number }[];
}

export async function exerciseAnalytics(user: SessionUser, courseId: string, exerciseId: string): Promise<ExerciseAnalytics> {
  requireCourse(user, courseId, "staff");
  const { items, learners } = await gradebookParts(courseId);
  const item = items.find((i) => i.exerciseId === exerciseId);
  if (!item) throw new HttpError(404, text("errors.course.exerciseNotInCourse", { exercise: exerciseId }));
  const ex = await findExercise(exerciseId);
  const ids = learners.map((l) => l.id);
  const subs = ids.length
    ? db
        .select({ userId: submissions.userId, score: submissions.score, maxScore: submissions.maxScore, verdict: submissions.verdict, result: submissions.result })
        .from(submissions)
        .innerJoin(submissionCourses, madeIn(courseId))
        .where(and(eq(submissions.exerciseId, exerciseId), inArray(submissions.userId, ids)))
        .all()
    : [];
  const best = new Map<string, number>();
  const failing = new Map<string, number>();
  const hints = new Map<string, number>();
  const hintTexts = new Map<string, LocalText>();
  let graded = 0;
  let passedSubs = 0;
  for (const s of subs) {
    if (s.score === null) continue;
    graded++;
    if (s.verdict === "passed") passedSubs++;
    const frac = s.maxScore ? s.score / s.maxScore : 0;
    best.set(s.userId!, Math.max(best.get(s.userId!) ?? 0, frac));
    for (const t of (s.result as GradeResult | null)?.tests ?? []) {
      if (t.status !== "failed") continue;
      failing.set(t.name, (failing.get(t.name) ?? 0) + 1);
      const hint = t.hint?.trim() || /\nHint: (.*)$/s.exec(t.output)?.[1]?.trim();
      if (!hint) continue;
      hints.set(hint, (hints.get(hint) ?? 0) + 1);
      if (t.text?.hint && !hintTexts.has(hint)) hintTexts.set(hint, t.text.hint);
    }
  }
  const distribution = Array.from({ length: 10 }, () => 0);
  for (const f of best.values()) distribution[Math.min(9, Math.floor(f * 10))]++;
  const top = <K,>(m: Map<K, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
  return {
    exerciseId,
    title: item.title,
    points: item.maxScore,
    version: ex?.version ?? "",
    learners: learners.length,
    attempted: best.size,
    passed: [...best.values()].filter((f) => f >= 1).length,
    submissions: graded,
    submissionsPassed: passedSubs,
    distribution,
    failingChecks: top(failing).map(([name, count]) => ({ name, count })),
    hints: top(hints).map(([hint, count]) => ({ hint, ...(hintTexts.has(hint) ? { text: hintTexts.get(hint) } : {}), count })),
  };
}
