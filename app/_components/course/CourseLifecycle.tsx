"use client";
/** The end of a course: archive (read-only, reversible), download everything, then delete with the title typed. */
import { useRouter } from "next/navigation";
import { useState } from "react";
import { sendJson } from "./api.ts";
import { Status, useSubmit } from "./form-kit.tsx";

export function CourseLifecycle({ courseId, title, archived, exported }: { courseId: string; title: string; archived: boolean; exported: boolean }) {
  const router = useRouter();
  const s = useSubmit();
  const [hasExport, setHasExport] = useState(exported);
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <div data-testid="course-lifecycle">
      <h3>Archive</h3>
      <p className="small muted">An archived course is read-only: learners still see it and their scores, but it takes no submissions and nothing in it can be changed until you unarchive it.</p>
      <button type="button" data-testid="archive" disabled={s.busy} onClick={() => void s.run(`/api/courses/${courseId}/archive`, "POST", { archived: !archived }, (d) => (d.archived ? "Archived." : "Unarchived."))}>
        {archived ? "Unarchive the course" : "Archive the course"}
      </button>
      <Status error={s.error} done={s.done} testid="archive" />
      <h3>Delete</h3>
      <p className="small">
        Deleting removes the course, its assignments, members, extensions, overrides and comments for good (learners keep their submissions).
        First download everything: the gradebook CSV and every assignment’s final submissions.
      </p>
      <p><a href={`/api/courses/${courseId}/export`} download data-testid="export-course" onClick={() => setHasExport(true)}>1. Download everything (zip)</a></p>
      <form className="form inline-form" data-testid="delete-course" onSubmit={async (e) => {
        e.preventDefault();
        const r = await sendJson(`/api/courses/${courseId}`, "DELETE", { confirm: typed });
        if (r.ok) router.push("/courses");
        else setError(r.error);
      }}>
        <label>2. Type the title “{title}” to confirm <input name="confirm" value={typed} onChange={(e) => setTyped(e.target.value)} disabled={!hasExport} /></label>
        <button className="danger" disabled={!hasExport || typed.trim() !== title}>Delete the course</button>
        {!hasExport && <span className="muted small">Download the export first.</span>}
        {error && <p className="error" role="alert" data-testid="delete-course-error">{error}</p>}
      </form>
    </div>
  );
}
