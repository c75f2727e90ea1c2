import Link from "next/link";
import { loadServer } from "../../../_lib/server-loader.ts";
import { orNotFound, requireUser } from "../../../_lib/session.ts";
import { TopBar } from "../../../_components/TopBar.tsx";
import { GradebookTable } from "../../../_components/course/GradebookTable.tsx";
import { RegradePanel } from "../../../_components/course/RegradePanel.tsx";

export const dynamic = "force-dynamic";

export default async function GradebookPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/courses/${id}/gradebook`);
  const be = await loadServer();
  const data = await orNotFound(() => be.gradebook(user, id));
  const cat = await be.getCatalogue();
  const seen = new Set<string>();
  const exercises = data.items.filter((i) => !seen.has(i.exerciseId) && seen.add(i.exerciseId)).map((i) => ({ id: i.exerciseId, title: i.title, version: cat.exercises.find((e) => e.id === i.exerciseId)?.version ?? "" }));
  return (
    <>
      <TopBar user={user} crumbs={[{ href: "/courses", label: "Courses" }, { href: `/courses/${id}`, label: data.course.title }, { label: "Gradebook" }]} />
      <main className="page" style={{ maxWidth: 1400 }}>
        <h1>Gradebook</h1>
        <p>
          <a href={`/api/courses/${id}/gradebook?format=csv`} data-testid="export-csv" download>Export CSV (for your LMS)</a>
        </p>
        <section className="card"><GradebookTable data={data} /></section>
        {data.role === "instructor" && exercises.length > 0 && (
          <section className="card" data-testid="regrade">
            <h2>Regrade</h2>
            <p className="muted small">After an exercise changed: grade its submissions again with the current version, in the background. Every old result is kept in each submission&apos;s history; a lower new score replaces the old one only when you allow it.</p>
            <RegradePanel courseId={id} exercises={exercises} />
          </section>
        )}
        <p className="muted small"><Link href={`/courses/${id}`}>← the course</Link></p>
      </main>
    </>
  );
}
