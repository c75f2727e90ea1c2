"use client";
/** Staff on a learner's page: an instructor's score override (a comment required) and a comment on one submission. */
import { fd, Status, useSubmit } from "./form-kit.tsx";

export function OverrideForm({ courseId, email, items }: { courseId: string; email: string; items: { exerciseId: string; title: string; maxScore: number; recorded: number | null; overridden: boolean }[] }) {
  const s = useSubmit();
  return (
    <form className="form inline-form" data-testid="override-form" onSubmit={(e) => {
      const f = fd(e);
      const raw = String(f.get("score") ?? "").trim();
      void s.run(`/api/courses/${courseId}/overrides`, "POST", { email, exerciseId: f.get("exerciseId"), score: raw === "" ? null : raw, comment: f.get("comment") }, (d) => (d.score === null ? "Override ended: the autograder's score applies again." : `Score set to ${d.score as number}.`));
    }}>
      <label>Exercise
        <select name="exerciseId">{items.map((i) => <option key={i.exerciseId} value={i.exerciseId}>{i.title} (now {i.recorded ?? "–"} / {i.maxScore}{i.overridden ? ", overridden" : ""})</option>)}</select>
      </label>
      <label>Score <input name="score" type="number" step="0.01" min={0} placeholder="empty: end the override" /></label>
      <label>Comment for the learner (required) <input name="comment" required maxLength={2000} /></label>
      <button disabled={s.busy}>Set score</button>
      <Status error={s.error} done={s.done} testid="override" />
    </form>
  );
}

export function CommentForm({ courseId, submissionId }: { courseId: string; submissionId: string }) {
  const s = useSubmit();
  return (
    <form className="form inline-form" data-testid={`comment-form-${submissionId}`} onSubmit={(e) => {
      const f = fd(e);
      void s.run(`/api/courses/${courseId}/submissions/${submissionId}/comments`, "POST", { body: f.get("body") }, () => "Comment saved: the learner sees it on the course page.");
      e.currentTarget.reset();
    }}>
      <input name="body" required maxLength={2000} placeholder="A comment the learner will see" />
      <button disabled={s.busy}>Comment</button>
      <Status error={s.error} done={s.done} testid="comment" />
    </form>
  );
}
