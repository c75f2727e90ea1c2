"use client";
/** Start a similarity check and follow the course's runs (progress from the durable job rows) until each is done. */
import { useEffect, useState } from "react";
import { useTranslations } from "next-intl";
import type { SimilarityRunView } from "../../../../server/similarity/index.ts";
import { sendJson } from "../../../_components/course/api.ts";

export function SimilarityRuns({ courseId, exercises, initial }: { courseId: string; exercises: { id: string; title: string }[]; initial: SimilarityRunView[] }) {
  const t = useTranslations("similarity");
  const [runs, setRuns] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const pending = runs.some((r) => r.state === "queued" || r.state === "running");
  useEffect(() => {
    if (!pending) return;
    const id = setTimeout(async () => {
      const r = await fetch(`/api/courses/${courseId}/similarity`, { cache: "no-store" });
      if (r.ok) setRuns((await r.json()) as SimilarityRunView[]);
    }, 700);
    return () => clearTimeout(id);
  }, [pending, runs, courseId]);
  const title = (id: string) => exercises.find((x) => x.id === id)?.title ?? id;
  return (
    <>
      <form className="form inline-form" data-testid="similarity-form" onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        const exerciseId = String(new FormData(e.currentTarget).get("exerciseId"));
        const r = await sendJson(`/api/courses/${courseId}/similarity`, "POST", { exerciseId });
        if (!r.ok) return setError(r.error);
        const list = await fetch(`/api/courses/${courseId}/similarity`, { cache: "no-store" });
        if (list.ok) setRuns((await list.json()) as SimilarityRunView[]);
      }}>
        <label>{t("exercise")}
          <select name="exerciseId" data-testid="similarity-exercise">
            {exercises.map((x) => <option key={x.id} value={x.id}>{x.title}</option>)}
          </select>
        </label>
        <button className="primary" type="submit" data-testid="similarity-start">{t("start")}</button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      {runs.length === 0 ? <p className="muted">{t("none")}</p> : (
        <table className="admin-table" data-testid="similarity-runs">
          <thead><tr><th>{t("exercise")}</th><th>{t("started")}</th><th>{t("state")}</th><th /></tr></thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id} data-testid="similarity-run">
                <td>{title(r.exerciseId)}</td>
                <td>{r.createdLocal}</td>
                <td data-testid="run-state">
                  {r.state === "done" ? t("done", { pairs: r.pairs.length, total: r.total }) : r.state === "failed" ? t("failed", { error: r.error ?? "" }) : (
                    <><progress max={Math.max(1, r.total)} value={r.done} /> {t("progress", { done: r.done, total: r.total })}</>
                  )}
                </td>
                <td>{r.state === "done" && <a href={`/courses/${courseId}/similarity/${r.id}`} data-testid="open-run">{t("open")}</a>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
