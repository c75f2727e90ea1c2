"use client";
/** The exam-mode form: release time for results and a time limit per learner (PUT …/exam). */
import { useState } from "react";
import { useTranslations } from "next-intl";
import type { ExamSettings } from "../../../../../../server/courses/exam.ts";
import { sendJson } from "../../../../../_components/course/api.ts";

/** "2026-12-01 18:00" (formatInZone) as the datetime-local input's "2026-12-01T18:00". */
const asInput = (local: string | null) => (local ? local.slice(0, 16).replace(" ", "T") : "");

export function ExamSettingsForm({ courseId, assignmentId, timeZone, initial, readOnly }: { courseId: string; assignmentId: string; timeZone: string; initial: ExamSettings; readOnly: boolean }) {
  const t = useTranslations("exam.settings");
  const [s, setS] = useState(initial);
  const [state, setState] = useState<"idle" | "busy" | "saved">("idle");
  const [error, setError] = useState<string | null>(null);
  return (
    <form className="form" style={{ maxWidth: 480 }} data-testid="exam-form" onSubmit={async (e) => {
      e.preventDefault();
      const f = new FormData(e.currentTarget);
      setState("busy");
      setError(null);
      const r = await sendJson<ExamSettings>(`/api/courses/${courseId}/assignments/${assignmentId}/exam`, "PUT", { feedbackAt: String(f.get("feedbackAt") ?? ""), timeLimitMinutes: String(f.get("timeLimitMinutes") ?? "") });
      if (r.ok) {
        setS(r.data);
        setState("saved");
      } else {
        setError(r.error);
        setState("idle");
      }
    }}>
      <p data-testid="exam-current">
        {s.feedbackLocal ? t("current", { when: `${s.feedbackLocal} (${timeZone})` }) : t("currentNone")}
        {s.timeLimitMinutes ? ` ${t("currentLimit", { minutes: s.timeLimitMinutes })}` : ""}
      </p>
      <label>{t("feedbackAt")}
        <input type="datetime-local" name="feedbackAt" defaultValue={asInput(s.feedbackLocal)} disabled={readOnly} data-testid="exam-feedback-at" />
        <span className="muted small">{t("feedbackAtHelp")}</span>
      </label>
      <label>{t("timeLimit")}
        <input type="number" min={1} name="timeLimitMinutes" defaultValue={s.timeLimitMinutes ?? ""} disabled={readOnly} data-testid="exam-time-limit" />
        <span className="muted small">{t("timeLimitHelp")}</span>
      </label>
      {!readOnly && <button className="primary" type="submit" disabled={state === "busy"} data-testid="exam-save">{state === "busy" ? t("saving") : t("save")}</button>}
      {state === "saved" && <p className="notice" data-testid="exam-saved">{t("saved")}</p>}
      {error && <p className="error" role="alert">{error}</p>}
    </form>
  );
}
