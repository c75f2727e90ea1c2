"use client";
/**
 * The rules of the learner's course(s) on the exercise page: the due date in the course's zone and
 * the learner's own, the extension, the late policy and what a submission now would cost, attempts
 * used and left, the cool-down as a live countdown, and which attempt the course records. Also a
 * graded submission's standing in each course (penalty, recorded score). The figures come from the
 * server (server/courses/ exerciseCourseRules: the gradebook's own rows); only the clock is
 * read here, with the same rules (lib/course/course-rules.ts), so the page stays true as time passes.
 */
import { useEffect, useState } from "react";
import { formatInTimeZone } from "date-fns-tz";
import { useTranslations } from "next-intl";
import { lateNote, policyWords } from "../_i18n/late-policy.ts";
import { applyLatePolicy } from "../../lib/course/late-policy.ts";
import type { ExerciseCourseRules } from "../../server/courses/index.ts";
import { countdown, submissionCostNow } from "../../lib/course/course-rules.ts";
import "./course-rules.css";

const pts = (x: number) => (Math.round(x * 100) / 100).toString();
const date = (ms: number | null) => (ms === null ? null : new Date(ms));

/** The clock, ticking each second after hydration (the server's time before, so both renders agree). */
function useNow(serverNow: number): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}

/** The browser's time zone, known only after hydration. */
function useMyZone(): string | null {
  const [zone, setZone] = useState<string | null>(null);
  useEffect(() => setZone(Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  return zone;
}

function Mine({ ms, courseZone, myZone, testid }: { ms: number; courseZone: string; myZone: string | null; testid: string }) {
  const t = useTranslations("courseRules");
  if (!myZone) return null;
  if (myZone === courseZone) return <span className="muted" data-testid={testid}>{t("alsoYourTime")}</span>;
  return <span className="muted">{t("yourTime")}<span data-testid={testid}>{formatInTimeZone(new Date(ms), myZone, "yyyy-MM-dd HH:mm zzz")}</span></span>;
}

function OneCourse({ r, now, myZone }: { r: ExerciseCourseRules; now: number; myZone: string | null }) {
  const t = useTranslations("courseRules");
  const cost = submissionCostNow({ policy: r.latePolicy, dueAt: date(r.dueAt), extensionUntil: date(r.extensionUntil), maxScore: r.points, now: new Date(now) });
  const note = lateNote(t, r.latePolicy, cost.outcome);
  const costText = cost.outcome.accepted ? t("costNow", { note, max: pts(cost.outcome.score), points: pts(r.points) }) : t("costNowRefused", { note });
  const { used, max, left, retryAt } = r.attempts;
  const waiting = retryAt !== null && retryAt > now;
  const late = cost.outcome.daysLate > 0;
  return (
    <div className="rules-course" data-testid="rules-course" data-course={r.courseTitle}>
      <div className="rules-head">
        <b>{r.assignmentTitle}</b> <span className="muted">· {r.courseTitle}</span>
      </div>
      {r.leftLms && (
        <p className="rules-late" role="note" data-testid="rule-left-lms">
          {t("leftLms")}
        </p>
      )}
      <dl>
        <dt>{t("due")}</dt>
        <dd>
          {r.dueAt === null ? (
            t("noDueDate")
          ) : (
            <>
              <span data-testid="rule-due">{r.dueLocal}</span>
              <span className="muted">{t("courseTime")}</span>
              <Mine ms={r.dueAt} courseZone={r.timeZone} myZone={myZone} testid="rule-due-mine" />
            </>
          )}
          {r.extensionUntil !== null && (
            <div className="rules-ext">
              {t("extension")}<b data-testid="rule-extension">{r.extensionLocal}</b>
              <Mine ms={r.extensionUntil} courseZone={r.timeZone} myZone={myZone} testid="rule-extension-mine" />
            </div>
          )}
        </dd>
        <dt>{t("lateWork")}</dt>
        <dd>
          {policyWords(t, r.latePolicy)} · <span className={late ? "rules-late" : ""} data-testid="rule-cost">{costText}</span>
        </dd>
        <dt>{t("attempts")}</dt>
        <dd>
          <span data-testid="rule-attempts">{max === null ? t("usedNoLimit", { used }) : t("usedLeft", { used, left: left ?? 0, max })}</span>
          {r.cooldownSeconds ? (
            waiting ? (
              <>{t.rich("nextIn", { time: () => <b role="timer" data-testid="rule-cooldown">{countdown(retryAt - now)}</b> })}</>
            ) : (
              <span className="muted" data-testid="rule-cooldown-over">{used ? t("cooldownOver", { s: r.cooldownSeconds }) : t("cooldown", { s: r.cooldownSeconds })}</span>
            )
          ) : null}
        </dd>
        <dt>{t("grade")}</dt>
        <dd>
          <span data-testid="rule-recorded">{r.recorded === null ? t("nothingRecorded") : t("recorded", { score: pts(r.recorded), points: r.points })}</span>
          <span className="muted">{t("counted")}</span>
        </dd>
      </dl>
    </div>
  );
}

export function CourseRules({ rules, serverNow }: { rules: ExerciseCourseRules[]; serverNow: number }) {
  const now = useNow(serverNow);
  const myZone = useMyZone();
  const t = useTranslations("courseRules");
  if (!rules.length) return null;
  return (
    <section className="course-rules" data-testid="course-rules" aria-label={t("label")}>
      {rules.map((r) => <OneCourse key={r.courseId} r={r} now={now} myZone={myZone} />)}
    </section>
  );
}

function standingText(t: ReturnType<typeof useTranslations<"courseRules">>, r: ExerciseCourseRules, s: ExerciseCourseRules["submissions"][number]): string {
  // The same rule the server applied (lib/course/late-policy.ts), for the days late in the page's words.
  const late = applyLatePolicy({ score: r.points, maxScore: r.points, submittedAt: new Date(s.createdAt), dueAt: date(r.dueAt), extensionUntil: date(r.extensionUntil), policy: r.latePolicy });
  const note = s.countsAsAttempt ? lateNote(t, r.latePolicy, { ...late, penaltyPercent: s.penaltyPercent, accepted: s.accepted }) : t("notGraded");
  if (s.recorded === null || s.raw === null) return note;
  return s.penaltyPercent ? t("standingPenalty", { note, recorded: pts(s.recorded), raw: pts(s.raw), points: r.points }) : t("standing", { note, recorded: pts(s.recorded), points: r.points });
}

/** A graded submission's standing in each course it was made in: the penalty and the recorded score. */
export function SubmissionStanding({ rules, submissionId }: { rules: ExerciseCourseRules[]; submissionId: string }) {
  const t = useTranslations("courseRules");
  const rows = rules.flatMap((r) => {
    const s = r.submissions.find((x) => x.id === submissionId);
    return s ? [{ r, s }] : [];
  });
  if (!rows.length) return null;
  return (
    <div className="standing" data-testid="standing">
      {rows.map(({ r, s }) => (
        <p key={r.courseId} className={s.penaltyPercent ? "rules-late" : ""} data-testid="standing-course" data-course={r.courseTitle}>
          <b>{r.courseTitle}:</b>{" "}
          {standingText(t, r, s)}{" "}
          <span className="muted">{t("gradeThere", { score: r.recorded === null ? "–" : pts(r.recorded), points: r.points })}</span>
        </p>
      ))}
    </div>
  );
}
