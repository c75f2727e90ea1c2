import Link from "next/link";
import { notFound } from "next/navigation";
import { loadServer } from "../../../_lib/server-loader.ts";
import { requireUser } from "../../../_lib/session.ts";
import { TopBar } from "../../../_components/TopBar.tsx";
import { CodeDiff } from "../../../_components/CodeDiff.tsx";
import { LoadAttempt } from "./LoadAttempt.tsx";
import { LearnerZone, ZonedTime } from "./ZonedTime.tsx";

export const dynamic = "force-dynamic";

const fmt = (x: number | null) => (x == null ? "–" : (Math.round(x * 100) / 100).toString());
export default async function HistoryPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ a?: string; b?: string; show?: string }> }) {
  const { id } = await params;
  const q = await searchParams;
  const user = await requireUser(`/exercises/${id}/history`);
  const be = await loadServer();
  const ex = await be.findExercise(id);
  if (!ex) notFound();
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
      <TopBar user={user} crumbs={[{ href: `/exercises/${id}`, label: ex.meta.title }, { label: "Submissions" }]} />
      <main className="page">
        <h1>{ex.meta.title}: your submissions</h1>
        <p className="muted">
          Best score kept: <b data-testid="history-best">{fmt(n ? best : null)} / {ex.points}</b> · {n} attempt{n === 1 ? "" : "s"} · <Link href={`/exercises/${id}`}>back to the exercise</Link>
        </p>
        {n > 0 && (
          <p className="muted small" data-testid="history-zone">
            Times are in {timeZone ? <>the course&apos;s time zone, {timeZone}</> : <LearnerZone />}.
          </p>
        )}
        {n === 0 ? (
          <p className="card">No submissions yet.</p>
        ) : (
          <form className="card" method="get">
            <table className="history" data-testid="history">
              <thead>
                <tr><th>#</th><th>submitted</th><th>status</th><th>score</th><th>code</th><th>diff A</th><th>diff B</th></tr>
              </thead>
              <tbody>
                {rows.map((r, i) => (
                  <tr key={r.id} className={r.score != null && r.score === best && best > 0 ? "best-row" : ""}>
                    <td>#{n - i}</td>
                    <td className="small" data-testid="submitted-at"><ZonedTime ms={r.createdAt} timeZone={timeZone} /></td>
                    <td><span className={`badge badge-${r.result?.status ?? r.status}`}>{r.result?.status ?? r.status}</span></td>
                    <td>{fmt(r.score)} / {ex.points}</td>
                    <td><Link href={`?show=${r.id}`}>view</Link></td>
                    <td><input type="radio" name="a" value={r.id} defaultChecked={a ? a.id === r.id : i === 1} aria-label={`diff from #${n - i}`} /></td>
                    <td><input type="radio" name="b" value={r.id} defaultChecked={b ? b.id === r.id : i === 0} aria-label={`diff to #${n - i}`} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
            {n > 1 && <button type="submit" className="primary" data-testid="compare">Compare A → B</button>}
          </form>
        )}
        {a && b && (
          <section className="card">
            <h2>Diff {label(a.id)} → {label(b.id)}</h2>
            <CodeDiff a={a.code} b={b.code} />
          </section>
        )}
        {shown && (
          <section className="card">
            <h2>Attempt {label(shown.id)} · {fmt(shown.score)} / {ex.points}</h2>
            <p>
              <LoadAttempt userId={user.id} exerciseId={id} label={label(shown.id)} code={shown.code} server={be.readDraft(user.id, id)} starter={starter} />{" "}
              <span className="muted small">The code in your editor now stays in this browser, one click away.</span>
            </p>
            <pre className="code" data-testid="attempt-code">{shown.code}</pre>
            {shown.result && (
              <ul className="tests compact">
                {shown.result.tests.map((t) => (
                  <li key={t.name} className={`test ${t.status}`}>
                    <span className="icon">{t.status === "passed" ? "✓" : "✗"}</span> {t.name} <span className="muted small">{fmt(t.score)} / {t.maxScore} · {t.visibility}</span>
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
