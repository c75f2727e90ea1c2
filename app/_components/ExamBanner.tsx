"use client";
/**
 * Exam mode on the exercise page (server/courses/exam.ts): when results come out, and the
 * learner's time left from their first open, as a live countdown. The server enforces both;
 * this only tells the learner.
 */
import { useEffect, useState } from "react";
import { useTranslations } from "next-intl";
import { countdown } from "../../lib/course/course-rules.ts";
import { useMoment } from "../_i18n/moment.ts";

export interface ExamBannerRule {
  courseTitle: string;
  /** The course's zone: times are shown in it. */
  timeZone: string;
  feedbackAt: number | null;
  feedbackLocal: string | null;
  minutes: number | null;
  endsAt: number | null;
  endsLocal: string | null;
}

export function ExamBanner({ rules, serverNow }: { rules: ExamBannerRule[]; serverNow: number }) {
  const t = useTranslations("exam");
  const moment = useMoment();
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  const shown = rules.filter((r) => (r.feedbackAt !== null && r.feedbackAt > now) || r.minutes !== null);
  if (!shown.length) return null;
  return (
    <div className="notice exam-banner" data-testid="exam-banner">
      {shown.map((r) => (
        <p key={r.courseTitle}>
          <strong>{t("label", { course: r.courseTitle })}</strong>{" "}
          {r.feedbackAt !== null && r.feedbackAt > now && <span data-testid="exam-feedback-at">{t("feedbackAt", { when: moment(r.feedbackAt, r.timeZone) })} </span>}
          {r.minutes !== null && (
            <span data-testid="exam-window">
              {r.endsAt === null ? t("window", { minutes: r.minutes }) : r.endsAt > now ? t("timeLeft", { left: countdown(r.endsAt - now), until: moment(r.endsAt, r.timeZone) }) : t("timeOver", { until: moment(r.endsAt, r.timeZone) })}
            </span>
          )}
        </p>
      ))}
    </div>
  );
}
