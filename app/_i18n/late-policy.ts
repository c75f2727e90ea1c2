/**
 * The late policy and its verdicts in the page's language, from their data (the server's and
 * lib/course's English sentences say the same: server/courses/assignments.ts policyText,
 * lib/course/late-policy.ts notes). `t` is useTranslations("courseRules").
 */
import type { LatePolicy } from "../../lib/course/late-policy.ts";

type T = (key: string, values?: Record<string, string | number>) => string;

export function policyWords(t: T, p: LatePolicy): string {
  if (p.kind === "none") return t("policy.none");
  if (p.kind === "cutoff") return t("policy.cutoff");
  return p.maxDaysLate !== undefined ? t("policy.penaltyMax", { percent: p.percentPerDay, days: p.maxDaysLate }) : t("policy.penalty", { percent: p.percentPerDay });
}

/** A submission's verdict under `p`: "on time", "2 days late: −20%", "… not counted". */
export function lateNote(t: T, p: LatePolicy, o: { daysLate: number; penaltyPercent: number; accepted: boolean }): string {
  if (o.daysLate <= 0) return t("note.onTime");
  const days = o.daysLate;
  if (p.kind === "none") return t("note.noPenalty", { days });
  if (p.kind === "cutoff") return t("note.afterCutoff", { days });
  if (!o.accepted) return t("note.tooLate", { days, max: p.maxDaysLate ?? 0 });
  return t("note.penalty", { days, percent: o.penaltyPercent });
}
