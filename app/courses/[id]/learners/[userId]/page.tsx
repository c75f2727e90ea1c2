import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { loadServer } from "../../../../_lib/server-loader.ts";
import { orNotFound, requireUser } from "../../../../_lib/session.ts";
import { TopBar } from "../../../../_components/TopBar.tsx";
import { CommentForm, OverrideForm } from "../../../../_components/course/ManualGrading.tsx";

export const dynamic = "force-dynamic";

const fmt = (x: number | null) => (x == null ? "–" : (Math.round(x * 100) / 100).toString());
const short = (v: string | null) => (v ? v.slice(0, 8) : "–");

export default async function LearnerHistoryPage({ params }: { params: Promise<{ id: string; userId: string }> }) {
  const { id, userId } = await params;
  const user = await requireUser(`/courses/${id}/learners/${userId}`);
  const be = await loadServer();
  const h = await orNotFound(() => be.learnerHistory(user, id, userId));
  const t = await getTranslations("learnerHistory");
  const common = await getTranslations("common");
  const gradebook = await getTranslations("gradebook");
  const results = await getTranslations("results");
  const status = (s: string | null) => (s && results.has(`status.${s}`) ? results(`status.${s}`) : (s ?? ""));
  return (
    <>
      <TopBar user={user} crumbs={[{ href: "/courses", label: common("courses") }, { href: `/courses/${id}`, label: h.course.title }, { href: `/courses/${id}/gradebook`, label: gradebook("title") }, { label: h.learner.email }]} />
      <main className="page" style={{ maxWidth: 1200 }}>
        <h1>{h.learner.name} <span className="muted small">{h.learner.email}{h.learner.section ? t("section", { section: h.learner.section }) : ""}</span></h1>
        <p className="muted small">{t("note", { zone: h.course.timeZone })}</p>
        <table className="history" data-testid="learner-history">
          <thead><tr><th>{t("cols.submitted")}</th><th>{t("cols.exercise")}</th><th>{t("cols.score")}</th><th>{t("cols.adjusted")}</th><th>{t("cols.versions")}</th><th>{t("cols.grades")}</th></tr></thead>
          <tbody>
            {h.entries.map((e) => (
              <tr key={e.id} data-testid="history-row">
                <td>{e.createdLocal}</td>
                <td>{e.exerciseTitle}</td>
                <td>{e.status === "done" ? `${fmt(e.score)} / ${fmt(e.maxScore)} ${status(e.verdict)}` : status(e.status)}</td>
                <td data-testid="adjusted">{fmt(e.adjusted)} <span className="muted small">{e.lateNote}</span></td>
                <td><code>{short(e.submittedVersion)}</code> / <code>{short(e.gradedVersion)}</code> / <code>{short(e.currentVersion)}</code>{e.gradedVersion && e.currentVersion && e.gradedVersion !== e.currentVersion ? <span className="late small">{t("stale")}</span> : null}</td>
                <td className="small" data-testid="grades">
                  {e.grades.map((g, i) => (
                    <div key={i}>{t(`kind.${g.kind === "regrade" ? "regrade" : "grade"}`)} {g.gradedLocal}: {fmt(g.score)}/{fmt(g.maxScore)} ({status(g.verdict)}) v<code>{short(g.version)}</code>{g.applied ? "" : t("notApplied")}</div>
                  ))}
                  <details><summary>{t("code")}</summary><pre className="code">{e.code}</pre></details>
                  <Link href={`/api/submissions/${e.id}`}>{t("resultJson")}</Link>
                  {h.comments.filter((c) => c.submissionId === e.id).map((c) => <p key={c.id} className="small" data-testid="submission-comment">“{c.body}” — {c.by}, {c.atLocal}</p>)}
                  {!h.course.archived && <CommentForm courseId={id} submissionId={e.id} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <section className="card" data-testid="manual-grading">
          <h2>{t("overrides")}</h2>
          <p className="muted small">{t("overridesNote")}</p>
          {h.role === "instructor" && !h.course.archived && h.items.length > 0 && <OverrideForm courseId={id} email={h.learner.email} items={h.items} />}
          {h.overrides.length > 0 ? (
            <ul data-testid="override-history">
              {h.overrides.map((o, i) => <li key={i}>{o.atLocal} · {h.items.find((x) => x.exerciseId === o.exerciseId)?.title ?? o.exerciseId}: {o.score === null ? t("overrideEnded") : fmt(o.score)} — “{o.comment}”{o.by ? ` (${o.by})` : ""}</li>)}
            </ul>
          ) : <p className="muted small">{t("noOverride")}</p>}
        </section>
        <section className="card" data-testid="drafts">
          <h2>{t("drafts")}</h2>
          <p className="muted small">{t("draftsNote")}</p>
          {h.drafts.length === 0 ? <p className="muted small">{t("noDrafts")}</p> : h.drafts.map((d) => (
            <details key={d.exerciseId} data-testid={`draft-${d.exerciseId}`}>
              <summary>{d.title} <span className="muted small">{t("savedAt", { when: d.savedLocal })}</span></summary>
              <pre className="code" data-testid="draft-code">{d.code}</pre>
            </details>
          ))}
        </section>
      </main>
    </>
  );
}
