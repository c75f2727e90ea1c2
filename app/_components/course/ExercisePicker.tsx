"use client";
/**
 * Choosing an assignment's exercises: a search box over titles, ids and topics, the catalogue
 * grouped by set with a checkbox each, and the chosen ones listed on top (removable). The chosen
 * ids are posted as form fields named `exerciseIds`.
 */
import { useMemo, useState } from "react";
import { useTranslations } from "next-intl";
import "./course.css";

export interface PickerExercise {
  id: string;
  title: string;
  set: string;
  topic?: string;
  /** Already in another assignment of this course (cannot be in two). */
  takenBy?: string;
}

export function ExercisePicker({ exercises, initial = [] }: { exercises: PickerExercise[]; initial?: string[] }) {
  const t = useTranslations("assignmentEditor");
  const [chosen, setChosen] = useState<string[]>(initial);
  const [q, setQ] = useState("");
  const groups = useMemo(() => {
    const needle = q.trim().toLowerCase();
    const hit = (x: PickerExercise) => !needle || [x.id, x.title, x.set, x.topic ?? ""].some((s) => s.toLowerCase().includes(needle));
    const out = new Map<string, PickerExercise[]>();
    for (const x of exercises.filter(hit)) (out.get(x.set) ?? out.set(x.set, []).get(x.set)!).push(x);
    return [...out.entries()];
  }, [exercises, q]);
  const toggle = (id: string) => setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));
  const titleOf = (id: string) => exercises.find((x) => x.id === id)?.title ?? id;
  return (
    <div className="picker" data-testid="exercise-picker">
      {chosen.map((id) => <input key={id} type="hidden" name="exerciseIds" value={id} />)}
      <div className="picker-chosen" data-testid="picker-chosen">
        {chosen.length === 0 ? <span className="muted small">{t("noneChosen")}</span> : chosen.map((id) => (
          <button type="button" key={id} className="chip" onClick={() => toggle(id)} title={t("remove")}>{titleOf(id)} ×</button>
        ))}
      </div>
      <input type="search" placeholder={t("search")} value={q} onChange={(e) => setQ(e.target.value)} data-testid="picker-search" />
      <div className="picker-groups">
        {groups.length === 0 && <p className="muted small">{t("noMatch", { q })}</p>}
        {groups.map(([set, xs]) => (
          <fieldset key={set}>
            <legend>{set} <span className="muted small">({xs.length})</span></legend>
            {xs.map((x) => (
              <label key={x.id} className={x.takenBy ? "muted" : ""}>
                <input type="checkbox" checked={chosen.includes(x.id)} disabled={!!x.takenBy && !chosen.includes(x.id)} onChange={() => toggle(x.id)} data-testid={`pick-${x.id}`} />
                {" "}{x.title} <code className="small">{x.id}</code>{x.takenBy ? <span className="small">{t("takenBy", { assignment: x.takenBy })}</span> : null}
              </label>
            ))}
          </fieldset>
        ))}
      </div>
    </div>
  );
}
