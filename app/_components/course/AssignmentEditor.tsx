"use client";
/** Creating and editing an assignment (one form), and deleting one with its title typed as confirmation. */
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { fd, Status, useSubmit } from "./form-kit.tsx";
import { ExercisePicker, type PickerExercise } from "./ExercisePicker.tsx";
import { sendJson } from "./api.ts";

export interface AssignmentInitial {
  id: string;
  title: string;
  exerciseIds: string[];
  releaseAt: string;
  dueAt: string;
  latePolicy: { kind: "none" | "cutoff" } | { kind: "penalty"; percentPerDay: number; maxDaysLate?: number };
  maxSubmissions: number | null;
  cooldownSeconds: number | null;
}

export function AssignmentForm({ courseId, exercises, timeZone, initial, effect }: { courseId: string; exercises: PickerExercise[]; timeZone: string; initial?: AssignmentInitial; effect?: string }) {
  const s = useSubmit();
  const t = useTranslations("assignmentEditor");
  const f_ = useTranslations("courseForms");
  const [kind, setKind] = useState<string>(initial?.latePolicy.kind ?? "penalty");
  const [changes, setChanges] = useState<string[] | null>(null);
  const penalty = initial?.latePolicy.kind === "penalty" ? initial.latePolicy : null;
  return (
    <form className="form assignment-form" data-testid="assignment-form" onSubmit={(e) => {
      const f = fd(e);
      const ids = f.getAll("exerciseIds");
      if (!ids.length) return void s.fail(t("chooseOne"));
      const latePolicy = kind === "penalty" ? { kind, percentPerDay: Number(f.get("percentPerDay")), maxDaysLate: f.get("maxDaysLate") || undefined } : { kind };
      const body = { title: f.get("title"), exerciseIds: ids, releaseAt: f.get("releaseAt"), dueAt: f.get("dueAt"), latePolicy, maxSubmissions: f.get("maxSubmissions"), cooldownSeconds: f.get("cooldownSeconds") };
      if (!initial) return void s.run(`/api/courses/${courseId}/assignments`, "POST", body, () => t("created"));
      void s.run(`/api/courses/${courseId}/assignments/${initial.id}`, "PATCH", body, (d) => {
        const c = (d.changes as string[]) ?? [];
        setChanges(c);
        return c.length ? t("savedChanges", { count: c.length }) : t("nothingChanged");
      });
    }}>
      <label>{f_("title")} <input name="title" required defaultValue={initial?.title} /></label>
      <div>{t("exercises")} <ExercisePicker exercises={exercises} initial={initial?.exerciseIds} /></div>
      <div className="row">
        <label>{t("release", { zone: timeZone })} <input type="datetime-local" name="releaseAt" defaultValue={initial?.releaseAt} /></label>
        <label>{t("due", { zone: timeZone })} <input type="datetime-local" name="dueAt" defaultValue={initial?.dueAt} /></label>
      </div>
      <div className="row">
        <label>{t("latePolicy")}
          <select name="kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="none">{t("policyNone")}</option>
            <option value="penalty">{t("policyPenalty")}</option>
            <option value="cutoff">{t("policyCutoff")}</option>
          </select>
        </label>
        {kind === "penalty" && <label>{t("percentPerDay")} <input type="number" name="percentPerDay" defaultValue={penalty?.percentPerDay ?? 10} min={1} max={100} /></label>}
        {kind === "penalty" && <label>{t("maxDaysLate")} <input type="number" name="maxDaysLate" min={0} placeholder={t("never")} defaultValue={penalty?.maxDaysLate ?? ""} /></label>}
      </div>
      <div className="row">
        <label>{t("maxSubmissions")} <input type="number" name="maxSubmissions" min={1} placeholder={t("noLimit")} defaultValue={initial?.maxSubmissions ?? ""} /></label>
        <label>{t("cooldown")} <input type="number" name="cooldownSeconds" min={1} placeholder={t("noLimit")} defaultValue={initial?.cooldownSeconds ?? ""} /></label>
      </div>
      {effect && <p className="notice small" data-testid="edit-effect">{effect}</p>}
      <button className="primary" disabled={s.busy}>{initial ? t("saveChanges") : t("create")}</button>
      <Status error={s.error} done={s.done} testid="assignment" />
      {changes && changes.length > 0 && <ul className="small" data-testid="assignment-changes">{changes.map((c) => <li key={c}>{c}</li>)}</ul>}
    </form>
  );
}

export function DeleteAssignment({ courseId, id, title }: { courseId: string; id: string; title: string }) {
  const router = useRouter();
  const t = useTranslations("assignmentEditor");
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <form className="form inline-form" data-testid="delete-assignment" onSubmit={async (e) => {
      e.preventDefault();
      const r = await sendJson(`/api/courses/${courseId}/assignments/${id}`, "DELETE", { confirm: typed });
      if (r.ok) router.push(`/courses/${courseId}`);
      else setError(r.error);
    }}>
      <p className="small">{t("deleteNote")}</p>
      <label>{t("typeTitle", { title })} <input name="confirm" value={typed} onChange={(e) => setTyped(e.target.value)} /></label>
      <button className="danger" disabled={typed.trim() !== title}>{t("deleteButton")}</button>
      {error && <p className="error" role="alert">{error}</p>}
    </form>
  );
}
