"use client";
/** The gradebook grid: sort by any column, filter by name/email and section; a learner's history one click away. */
import Link from "next/link";
import { useMemo, useState } from "react";
import { useTranslations } from "next-intl";
import type { GradebookData } from "../../_lib/server-loader.ts";

const fmt = (x: number | null) => (x == null ? "–" : (Math.round(x * 100) / 100).toString());

export function GradebookTable({ data }: { data: GradebookData }) {
  const t = useTranslations("gradebook");
  const [q, setQ] = useState("");
  const [section, setSection] = useState("");
  const [sort, setSort] = useState<{ key: string; dir: 1 | -1 }>({ key: "email", dir: 1 });
  const sections = [...new Set(data.rows.map((r) => r.learner.section).filter(Boolean))].sort();
  const rows = useMemo(() => {
    const needle = q.trim().toLowerCase();
    const out = data.rows.filter((r) => (!needle || r.learner.email.includes(needle) || r.learner.name.toLowerCase().includes(needle)) && (!section || r.learner.section === section));
    const val = (r: GradebookData["rows"][number]): string | number => {
      if (sort.key === "email" || sort.key === "name" || sort.key === "section") return r.learner[sort.key].toLowerCase();
      if (sort.key === "total") return r.total;
      return r.cells[sort.key]?.best ?? -1;
    };
    return out.sort((a, b) => (val(a) < val(b) ? -sort.dir : val(a) > val(b) ? sort.dir : 0));
  }, [data.rows, q, section, sort]);
  const head = (key: string, label: string) => (
    <button data-testid={`sort-${key}`} onClick={() => setSort((s) => ({ key, dir: s.key === key ? (-s.dir as 1 | -1) : key === "email" || key === "name" || key === "section" ? 1 : -1 }))}>
      {label}{sort.key === key ? (sort.dir === 1 ? " ▲" : " ▼") : ""}
    </button>
  );
  return (
    <>
      <div className="toolbar">
        <label className="small">
          {t("filterLabel")} <input type="search" placeholder={t("filter")} value={q} onChange={(e) => setQ(e.target.value)} data-testid="gb-filter" />
        </label>
        <label className="small">
          {t("section")}{" "}
          <select value={section} onChange={(e) => setSection(e.target.value)} data-testid="gb-section">
            <option value="">{t("allSections")}</option>
            {sections.map((s) => <option key={s} value={s}>{t("sectionNamed", { section: s })}</option>)}
          </select>
        </label>
        <span className="muted small">{t("shown", { n: rows.length, total: data.rows.length, zone: data.course.timeZone })}</span>
      </div>
      <div className="scroll-x">
        <table className="grid-table" data-testid="gradebook">
          <thead>
            <tr>
              <th>{head("email", t("learner"))}</th>
              <th>{head("section", t("section"))}</th>
              {data.items.map((i) => (
                <th key={i.exerciseId} title={i.dueLocal ? t("assignmentDue", { assignment: i.assignment, due: i.dueLocal }) : i.assignment}>
                  {head(i.exerciseId, `${i.title} (${i.maxScore})`)}{" "}
                  <Link className="small" href={`/courses/${data.course.id}/analytics/${i.exerciseId}`} data-testid={`analytics-${i.exerciseId}`}>{t("stats")}</Link>
                </th>
              ))}
              <th>{head("total", t("total", { max: data.maxTotal }))}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.learner.id} data-testid={`gb-row-${r.learner.email}`}>
                <td translate="no"><Link href={`/courses/${data.course.id}/learners/${r.learner.id}`}>{r.learner.name || r.learner.email}</Link><div className="muted small">{r.learner.email}</div></td>
                <td>{r.learner.section}</td>
                {data.items.map((i) => {
                  const c = r.cells[i.exerciseId];
                  return (
                    <td key={i.exerciseId} className="num" data-testid={`cell-${r.learner.email}-${i.exerciseId}`}>
                      <span className={c?.late ? "late" : ""} title={c?.bestRaw != null && c.bestRaw !== c.best ? t("rawBefore", { raw: fmt(c.bestRaw) }) : undefined}>{fmt(c?.best ?? null)}</span>
                      {c?.overridden && <span className="small" title={t("overridden")} data-testid="overridden"> ✎</span>}
                      <div className="muted small">{c?.attempts ? t("attemptsLast", { n: c.attempts, last: c.lastLocal ?? "" }) : t("noAttempt")}</div>
                    </td>
                  );
                })}
                <td className="num" data-testid={`total-${r.learner.email}`}>{fmt(r.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
