"use client";
/** Staff on a learner's page: an instructor's score override (a comment required) and a comment on one submission. */
import { useTranslations } from "next-intl";
import { fd, Status, useSubmit } from "./form-kit.tsx";

export function OverrideForm({ courseId, email, items }: { courseId: string; email: string; items: { exerciseId: string; title: string; maxScore: number; recorded: number | null; overridden: boolean }[] }) {
  const s = useSubmit();
  const t = useTranslations("manualGrading");
  return (
    <form className="form inline-form" data-testid="override-form" onSubmit={(e) => {
      const f = fd(e);
      const raw = String(f.get("score") ?? "").trim();
      void s.run(`/api/courses/${courseId}/overrides`, "POST", { email, exerciseId: f.get("exerciseId"), score: raw === "" ? null : raw, comment: f.get("comment") }, (d) => (d.score === null ? t("overrideEnded") : t("scoreSet", { score: d.score as number })));
    }}>
      <label>{t("exercise")}
        <select name="exerciseId">{items.map((i) => <option key={i.exerciseId} value={i.exerciseId}>{i.overridden ? t("itemOverridden", { title: i.title, now: i.recorded ?? "–", max: i.maxScore }) : t("item", { title: i.title, now: i.recorded ?? "–", max: i.maxScore })}</option>)}</select>
      </label>
      <label>{t("score")} <input name="score" type="number" step="0.01" min={0} placeholder={t("scorePlaceholder")} /></label>
      <label>{t("comment")} <input name="comment" required maxLength={2000} /></label>
      <button disabled={s.busy}>{t("setScore")}</button>
      <Status error={s.error} done={s.done} testid="override" />
    </form>
  );
}

export function CommentForm({ courseId, submissionId }: { courseId: string; submissionId: string }) {
  const s = useSubmit();
  const t = useTranslations("manualGrading");
  return (
    <form className="form inline-form" data-testid={`comment-form-${submissionId}`} onSubmit={(e) => {
      const f = fd(e);
      void s.run(`/api/courses/${courseId}/submissions/${submissionId}/comments`, "POST", { body: f.get("body") }, () => t("commentSaved"));
      e.currentTarget.reset();
    }}>
      <input name="body" required maxLength={2000} placeholder={t("commentPlaceholder")} />
      <button disabled={s.busy}>{t("commentButton")}</button>
      <Status error={s.error} done={s.done} testid="comment" />
    </form>
  );
}
