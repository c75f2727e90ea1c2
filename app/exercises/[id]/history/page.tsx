import Link from "next/link";
import { notFound } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { loadServer } from "../../../_lib/server-loader.ts";
import { requireUser } from "../../../_lib/session.ts";
import { TopBar } from "../../../_components/TopBar.tsx";
import { CodeDiff } from "../../../_components/CodeDiff.tsx";
import { LoadAttempt } from "./LoadAttempt.tsx";
import { LearnerZone, ZonedTime } from "./ZonedTime.tsx";
import { exerciseTextCatalog } from "../../../_i18n/grader-catalog.ts";
import { renderCheckName } from "../../../../lib/messages/text.ts";

export const dynamic = "force-dynamic";

const fmt = (x: number | null) => (x == null ? "–" : (Math.round(x * 100) / 100).toString());
export default async function HistoryPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ a?: string; b?: string; show?: string }> }) {
  const { id } = await params;
  const q = await searchParams;
  const user = await requireUser(`/exercises/${id}/history`);
  const be = await loadServer();
  const ex = await be.findExercise(id);
  if (!ex) notFound();
  const t = await getTranslations("history");
  const results = await getTranslations("results");
  const locale = await getLocale();
  const title = be.localizedTitle(ex.meta.title, ex.files.statement, locale);
  const grader = exerciseTextCatalog(locale, ex.dir);
  const rows = be.history(user, id);
  // The course's zone when the exercise is set in the learner's course; otherwise the learner's own (in the browser).
  const timeZone = be.exerciseTimeZone(user.id, id);
  const n = rows.length;
  const label = (sid: string) => `#${n - rows.findIndex((r) => r.id === sid)}`;
  const best = rows.reduce((m, r) => Math.max(m, r.score ?? 0), 0);
  const a = rows.find((r) => r.id === q.a);
  const b = rows.find((r) => r.id === q.b);
  const shown = rows.find((r) => r.id === q.show) ?? (!a && !b ? rows[0] : undefined);
  // What the editor would show without a draft: the journal needs it to keep the current code.
  const starter = shown ? (await be.exerciseView(ex)).starter : "";
  return (
    <>
      <TopBar user={user} crumbs={[{ href: `/exercises/${id}`, label: title }, { label: t("crumb") }]} />
      <main className="page">
        <h1>{t("title", { title })}</h1>
        <p className="muted">
          {t.rich("summary", { count: n, best: () => <b data-testid="history-best">{fmt(n ? best : null)} / {ex.points}</b>, back: (chunks) => <Link href={`/exercises/${id}`}>{chunks}</Link> })}
        </p>
        {n > 0 && (
          <p className="muted small" data-testid="history-zone">
            {t.rich("timesIn", { zone: () => (timeZone ? t("courseZone", { zone: timeZone }) : <LearnerZone />) })}
          </p>
        )}
        {n === 0 ? (
          <p className="card">{t("none")}</p>
        ) : (
          <form className="card" method="get">
            <table className="history" data-testid="history">
              <thead>
                <tr><th>#</th><th>{t("cols.submitted")}</th><th>{t("cols.status")}</th><th>{t("cols.score")}</th><th>{t("cols.code")}</th><th>{t("cols.diffA")}</th><th>{t("cols.diffB")}</th></tr>
              </thead>
              <tbody>
                {rows.map((r, i) => (
                  <tr key={r.id} className={r.score != null && r.score === best && best > 0 ? "best-row" : ""}>
                    <td>#{n - i}</td>
                    <td className="small" data-testid="submitted-at"><ZonedTime ms={r.createdAt} timeZone={timeZone} /></td>
                    <td><span className={`badge badge-${r.result?.status ?? r.status}`}>{results(`status.${r.result?.status ?? r.status}`)}</span></td>
                    <td>{fmt(r.score)} / {ex.points}</td>
                    <td><Link href={`?show=${r.id}`}>{t("view")}</Link></td>
                    <td><input type="radio" name="a" value={r.id} defaultChecked={a ? a.id === r.id : i === 1} aria-label={t("diffFrom", { n: n - i })} /></td>
                    <td><input type="radio" name="b" value={r.id} defaultChecked={b ? b.id === r.id : i === 0} aria-label={t("diffTo", { n: n - i })} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
            {n > 1 && <button type="submit" className="primary" data-testid="compare">{t("compare")}</button>}
          </form>
        )}
        {a && b && (
          <section className="card">
            <h2>{t("diffTitle", { a: label(a.id), b: label(b.id) })}</h2>
            <CodeDiff a={a.code} b={b.code} />
          </section>
        )}
        {shown && (
          <section className="card">
            <h2>{t("attemptTitle", { label: label(shown.id), score: fmt(shown.score), points: ex.points })}</h2>
            <p>
              <LoadAttempt userId={user.id} exerciseId={id} label={label(shown.id)} code={shown.code} server={be.readDraft(user.id, id)} starter={starter} />{" "}
              <span className="muted small">{t("loadNote")}</span>
            </p>
            <pre className="code" data-testid="attempt-code">{shown.code}</pre>
            {shown.result && (
              <ul className="tests compact">
                {shown.result.tests.map((c) => (
                  <li key={c.name} className={`test ${c.status}`}>
                    <span className="icon">{c.status === "passed" ? "✓" : "✗"}</span> <span data-i18n="check-name">{renderCheckName(c.name, grader)}</span> <span className="muted small">{fmt(c.score)} / {c.maxScore} · {results(`visibility.${c.visibility}`)}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        )}
      </main>
    </>
  );
}
