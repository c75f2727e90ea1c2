/**
 * The gradebook: learners × exercises, each cell the best late-adjusted score, the attempts and
 * the last submission time; and its CSV export in the shape LMS gradebooks import (one row per
 * learner, identifying columns first, one column per exercise headed "<title> (<points>)", total),
 * formula-safe (lib/course/csv.ts).
 */
import { safeCsv } from "./csv.ts";
import { countsAsAttempt } from "./course-rules.ts";
import { applyLatePolicy, type LatePolicy } from "./late-policy.ts";

export interface GradebookLearner {
  id: string;
  email: string;
  name: string;
  section: string;
}

export interface GradebookItem {
  exerciseId: string;
  title: string;
  maxScore: number;
  dueAt: Date | null;
  policy: LatePolicy;
}

export interface GradebookSubmission {
  userId: string;
  exerciseId: string;
  createdAt: Date;
  /** Null while not graded yet. */
  score: number | null;
  maxScore: number | null;
}

export interface GradebookCell {
  best: number | null;
  /** Best raw score (before the late policy), for the instructor's eye. */
  bestRaw: number | null;
  /** Submissions that count as attempts (course-rules.ts: "could not grade" does not). */
  attempts: number;
  lastAt: Date | null;
  late: boolean;
}

export interface GradebookRow {
  learner: GradebookLearner;
  cells: Record<string, GradebookCell>;
  total: number;
}

export function buildGradebook(
  learners: GradebookLearner[],
  items: GradebookItem[],
  submissions: GradebookSubmission[],
  extensions: Map<string, Date> = new Map(), // key `${userId}:${exerciseId}`
): GradebookRow[] {
  const byKey = new Map<string, GradebookSubmission[]>();
  for (const s of submissions) {
    const k = `${s.userId}:${s.exerciseId}`;
    (byKey.get(k) ?? byKey.set(k, []).get(k)!).push(s);
  }
  return learners.map((learner) => {
    const cells: Record<string, GradebookCell> = {};
    let total = 0;
    for (const item of items) {
      const subs = byKey.get(`${learner.id}:${item.exerciseId}`) ?? [];
      let best: number | null = null;
      let bestRaw: number | null = null;
      let late = false;
      let lastAt: Date | null = null;
      for (const s of subs) {
        if (!lastAt || s.createdAt > lastAt) lastAt = s.createdAt;
        if (s.score === null) continue;
        // Scores are scaled to the item's points, in case the exercise's points changed.
        const raw = s.maxScore ? (s.score / s.maxScore) * item.maxScore : 0;
        const adj = applyLatePolicy({ score: raw, maxScore: item.maxScore, submittedAt: s.createdAt, dueAt: item.dueAt, extensionUntil: extensions.get(`${learner.id}:${item.exerciseId}`), policy: item.policy });
        if (bestRaw === null || raw > bestRaw) bestRaw = raw;
        if (best === null || adj.score > best) {
          best = adj.score;
          late = adj.daysLate > 0;
        }
      }
      cells[item.exerciseId] = { best: best === null ? null : round(best), bestRaw: bestRaw === null ? null : round(bestRaw), attempts: subs.filter(countsAsAttempt).length, lastAt, late };
      total += best ?? 0;
    }
    return { learner, cells, total: round(total) };
  });
}

const round = (x: number) => Math.round(x * 100) / 100;

export function gradebookCsv(rows: GradebookRow[], items: GradebookItem[]): string {
  const header = ["Email", "Name", "Section", ...items.map((i) => `${i.title} (${i.maxScore})`), "Total"];
  const body = rows.map((r) => [r.learner.email, r.learner.name, r.learner.section, ...items.map((i) => r.cells[i.exerciseId]?.best ?? ""), r.total]);
  return safeCsv([header, ...body]);
}
