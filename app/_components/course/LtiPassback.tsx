"use client";
/**
 * The course's LMS link, for course staff: which LMS courses feed it, each learner's grade
 * passback (sent, waiting to be retried, or failed with the LMS's answer) and, for instructors,
 * resend and "sync the roster now".
 */
import { useTranslations } from "next-intl";
import type { LtiCourseStatus } from "../../../server/lti/passback.ts";
import { Status, useSubmit } from "./form-kit.tsx";

/** A time as UTC text: the same on the server and in the browser (no hydration mismatch). */
const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
const fmt = (x: number | null) => (x === null ? "–" : (Math.round(x * 100) / 100).toString());

export function LtiPassback({ courseId, instructor, status }: { courseId: string; instructor: boolean; status: LtiCourseStatus }) {
  const t = useTranslations("ltiPassback");
  const s = useSubmit();
  const url = `/api/courses/${courseId}/lti/passback`;
  const failed = status.passbacks.filter((p) => p.state === "failed").length;
  const roster = status.contexts.some((c) => c.roster);
  return (
    <section className="card" data-testid="lti-passback">
      <h2>{t("title")}</h2>
      <ul className="small">
        {status.contexts.map((c) => (
          <li key={c.id} data-testid="lti-context">
            {t("context", { title: c.title, issuer: c.issuer })}
            {" · "}{c.grades ? t("gradesOn") : t("gradesOff")}
            {" · "}{c.roster ? (c.rosterSyncedAt ? t("rosterSynced", { when: utc(c.rosterSyncedAt) }) : t("rosterNever")) : t("rosterOff")}
          </li>
        ))}
      </ul>
      {instructor && (
        <p>
          {roster && <button type="button" disabled={s.busy} data-testid="lti-sync-roster" onClick={() => void s.run(`/api/courses/${courseId}/lti/roster`, "POST", {}, (d) => t("synced", { members: Number(d.members), enrolled: Number(d.enrolled), inactive: Number(d.inactive) }))}>{t("syncRoster")}</button>}
          {" "}
          {failed > 0 && <button type="button" disabled={s.busy} data-testid="lti-resend-failed" onClick={() => void s.run(url, "POST", {}, (d) => t("resent", { n: Number(d.resent) }))}>{t("resendFailed", { n: failed })}</button>}
        </p>
      )}
      <Status error={s.error} done={s.done} testid="lti-action" />
      {status.passbacks.length === 0 ? (
        <p className="muted small" data-testid="lti-no-passbacks">{t("none")}</p>
      ) : (
        <table className="history" data-testid="lti-passbacks">
          <thead><tr><th>{t("cols.learner")}</th><th>{t("cols.link")}</th><th>{t("cols.score")}</th><th>{t("cols.status")}</th>{instructor && <th />}</tr></thead>
          <tbody>
            {status.passbacks.map((p) => (
              <tr key={p.id} data-testid={`lti-passback-${p.email}`} data-state={p.state}>
                <td><span translate="no">{p.email}</span>{p.lmsStatus === "inactive" && <span className="muted small"> {t("inactive")}</span>}</td>
                <td>{p.link}</td>
                <td>{p.scoreMaximum === null ? "–" : `${fmt(p.scoreGiven)} / ${fmt(p.scoreMaximum)}`}</td>
                <td>
                  {p.state === "sent" && <>{t("sent", { when: p.sentAt ? utc(p.sentAt) : "" })}</>}
                  {p.state === "pending" && <>{p.attempts === 0 ? t("pending") : t("retrying", { attempts: p.attempts, when: p.nextAttemptAt ? utc(p.nextAttemptAt) : "" })}</>}
                  {p.state === "failed" && <b>{t("failed")}</b>}
                  {p.lastError && <div className="muted small" data-testid="lti-error">{t("platformSaid", { error: p.lastError })}</div>}
                </td>
                {instructor && <td><button type="button" className="small" disabled={s.busy} data-testid="lti-resend" onClick={() => void s.run(url, "POST", { id: p.id }, () => t("resent", { n: 1 }))}>{t("resend")}</button></td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted small">{t("note")}</p>
    </section>
  );
}
