"use client";
/** Start a regrade of one exercise (everyone's or one learner's submissions) and follow its progress. */
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { useTranslations } from "next-intl";
import { sendJson } from "./api.ts";

interface Progress { total: number; done: number; failed: number; keptHigher: number; changed: number; finished: boolean }

export function RegradePanel({ courseId, exercises }: { courseId: string; exercises: { id: string; title: string; version: string }[] }) {
  const router = useRouter();
  const t = useTranslations("gradebook");
  const [batch, setBatch] = useState<string | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!batch) return;
    let stop = false;
    const tick = async () => {
      const r = await fetch(`/api/courses/${courseId}/regrades/${batch}`);
      if (stop) return;
      if (r.ok) {
        const p = (await r.json()) as Progress;
        setProgress(p);
        if (p.finished) {
          router.refresh();
          return;
        }
      }
      setTimeout(tick, 700);
    };
    void tick();
    return () => {
      stop = true;
    };
  }, [batch, courseId, router]);
  return (
    <form className="form inline-form" data-testid="regrade-form" onSubmit={async (e) => {
      e.preventDefault();
      const f = new FormData(e.currentTarget);
      setError(null);
      setProgress(null);
      const r = await sendJson<{ batchId: string; total: number }>(`/api/courses/${courseId}/regrades`, "POST", { exerciseId: f.get("exerciseId"), email: f.get("email") || undefined, allowLower: f.get("allowLower") === "on" });
      if (r.ok) setBatch(r.data.batchId);
      else setError(r.error);
    }}>
      <label>{t("exercise")} <select name="exerciseId">{exercises.map((x) => <option key={x.id} value={x.id}>{t("exerciseVersion", { title: x.title, version: x.version.slice(0, 8) })}</option>)}</select></label>
      <label>{t("onlyLearner")} <input name="email" type="email" placeholder={t("everyone")} /></label>
      <label className="check"><input type="checkbox" name="allowLower" /> {t("allowLower")}</label>
      <button className="accent">{t("regradeButton")}</button>
      {error && <p className="error" role="alert">{error}</p>}
      {progress && (
        <div className="grow" data-testid="regrade-progress" data-finished={progress.finished ? "1" : "0"}>
          <div className="progress"><div style={{ width: `${progress.total ? (100 * (progress.done + progress.failed)) / progress.total : 100}%` }} /></div>
          <span className="small">
            {t("progress", { n: progress.done + progress.failed, total: progress.total })}
            {progress.failed ? t("progressFailed", { failed: progress.failed }) : ""}
            {t("progressChanged", { changed: progress.changed, kept: progress.keptHigher })}
            {progress.finished ? t("progressDone") : "…"}
          </span>
        </div>
      )}
    </form>
  );
}
