import Link from "next/link";
import { notFound } from "next/navigation";
import { loadServer } from "../../_lib/server-loader.ts";
import { requireUser } from "../../_lib/session.ts";
import { TopBar } from "../../_components/TopBar.tsx";
import { Markdown } from "../../_components/Markdown.tsx";
import { Workbench } from "../../_components/Workbench.tsx";

export const dynamic = "force-dynamic";

export default async function ExercisePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/exercises/${id}`);
  const be = await loadServer();
  const ex = await be.findExercise(id);
  if (!ex || !be.mayOpenExercise(user, id)) notFound();
  const view = await be.exerciseView(ex);
  const best = be.progress(user.id).get(id);
  const run = be.runSupport(id);
  const rules = await be.exerciseCourseRules(user, id);
  return (
    <>
      <TopBar user={user} crumbs={[{ href: "/", label: view.setTitle }, { label: view.title }]} />
      <main className="exercise">
        <article className="statement">
          <div className="ex-meta">
            <span className="tag">{view.topic}</span>
            <span className="muted small">{view.points} points · exports {view.exports.map((e) => <code key={e}>{e}</code>).reduce<React.ReactNode[]>((a, c, i) => (i ? [...a, ", ", c] : [c]), [])}</span>
          </div>
          <Markdown source={view.statement} />
          <h3>Checks</h3>
          <ul className="checklist">
            {view.checks.map((c) => (
              <li key={c.name}>
                <span className={`vis vis-${c.visibility}`}>{c.visibility}</span> {c.name} <span className="muted small">({c.points} pt{c.points === 1 ? "" : "s"})</span>
              </li>
            ))}
          </ul>
          <p className="muted small">
            Hidden checks run only when you Submit, on inputs drawn fresh for each submission. <Link href={`/exercises/${id}/history`}>Your submissions →</Link>
            {be.isStaffAnywhere(user) && <> · <Link href={`/exercises/${id}/author`} data-testid="author-link">Author view →</Link></>}
          </p>
        </article>
        <Workbench
          exercise={{ id: view.id, starter: view.starter, exports: view.exports, points: view.points, timeoutMs: view.timeoutMs }}
          userId={user.id}
          draft={be.readDraft(user.id, id)}
          best={best ? { best: best.best, attempts: best.attempts } : null}
          run={run}
          rules={rules}
          serverNow={Date.now()}
        />
      </main>
    </>
  );
}
