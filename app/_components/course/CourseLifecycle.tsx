"use client";
/** The end of a course: archive (read-only, reversible), download everything, then delete with the title typed. */
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { sendJson } from "./api.ts";
import { Status, useSubmit } from "./form-kit.tsx";

export function CourseLifecycle({ courseId, title, archived, exported }: { courseId: string; title: string; archived: boolean; exported: boolean }) {
  const router = useRouter();
  const s = useSubmit();
  const t = useTranslations("lifecycle");
  const [hasExport, setHasExport] = useState(exported);
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <div data-testid="course-lifecycle">
      <h3>{t("archive")}</h3>
      <p className="small muted">{t("archiveNote")}</p>
      <button type="button" data-testid="archive" disabled={s.busy} onClick={() => void s.run(`/api/courses/${courseId}/archive`, "POST", { archived: !archived }, (d) => (d.archived ? t("archived") : t("unarchived")))}>
        {archived ? t("unarchiveButton") : t("archiveButton")}
      </button>
      <Status error={s.error} done={s.done} testid="archive" />
      <h3>{t("delete")}</h3>
      <p className="small">{t("deleteNote")}</p>
      <p><a href={`/api/courses/${courseId}/export`} download data-testid="export-course" onClick={() => setHasExport(true)}>{t("downloadAll")}</a></p>
      <form className="form inline-form" data-testid="delete-course" onSubmit={async (e) => {
        e.preventDefault();
        const r = await sendJson(`/api/courses/${courseId}`, "DELETE", { confirm: typed });
        if (r.ok) router.push("/courses");
        else setError(r.error);
      }}>
        <label>{t("typeTitle", { title })} <input name="confirm" value={typed} onChange={(e) => setTyped(e.target.value)} disabled={!hasExport} /></label>
        <button className="danger" disabled={!hasExport || typed.trim() !== title}>{t("deleteButton")}</button>
        {!hasExport && <span className="muted small">{t("exportFirst")}</span>}
        {error && <p className="error" role="alert" data-testid="delete-course-error">{error}</p>}
      </form>
    </div>
  );
}
