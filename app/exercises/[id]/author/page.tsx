import Link from "next/link";
import { notFound } from "next/navigation";
import { loadServer } from "../../../_lib/server-loader.ts";
import { orNotFound, requireUser } from "../../../_lib/session.ts";
import { TopBar } from "../../../_components/TopBar.tsx";
import { Markdown } from "../../../_components/Markdown.tsx";
import { ValidateButton } from "../../../_components/course/ValidateButton.tsx";

export const dynamic = "force-dynamic";

/** Staff only: the exercise as a learner sees it, plus its solution, hidden checks and validation. */
export default async function AuthorPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/exercises/${id}/author`);
  const be = await loadServer();
  const ex = await be.findExercise(id);
  if (!ex) notFound();
  const a = await orNotFound(() => be.authorView(user, id));
  const view = await be.exerciseView(ex);
  return (
    <>
      <TopBar user={user} crumbs={[{ href: "/", label: view.setTitle }, { href: `/exercises/${id}`, label: view.title }, { label: "Author view" }]} />
      <main className="page" style={{ maxWidth: 1200 }}>
        <h1>{view.title} <span className="muted small">version <code data-testid="version">{a.version}</code></span></h1>
        <p className="muted small">{view.points} points · exports {view.exports.join(", ")} · <Link href={`/exercises/${id}`}>open as a learner →</Link></p>
        <section className="card"><h2>Validation</h2><ValidateButton exerciseId={id} /></section>
        <div className="exercise" style={{ height: "auto" }}>
          <article className="statement card" data-testid="preview">
            <p className="muted small">What a learner sees:</p>
            <Markdown source={view.statement} />
            <h3>Checks</h3>
            <ul className="checklist" data-testid="author-checks">
              {view.checks.map((c) => <li key={c.name}><span className={`vis vis-${c.visibility}`}>{c.visibility}</span> {c.name} ({c.points} pt{c.points === 1 ? "" : "s"})</li>)}
            </ul>
            <h3>Starter</h3>
            <pre className="code">{view.starter}</pre>
          </article>
          <article className="card">
            <h2>Solution <span className="muted small">(never sent to learners)</span></h2>
            <pre className="code" data-testid="solution">{a.solution}</pre>
            <h3>Hidden checks</h3>
            <ul data-testid="hidden-checks">{a.hiddenChecks.map((n) => <li key={n}>{n}</li>)}</ul>
          </article>
        </div>
      </main>
    </>
  );
}
