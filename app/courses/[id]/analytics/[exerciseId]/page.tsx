import Link from "next/link";
import { loadServer } from "../../../../_lib/server-loader.ts";
import { orNotFound, requireUser } from "../../../../_lib/session.ts";
import { TopBar } from "../../../../_components/TopBar.tsx";
import { ColumnChart, HBarChart } from "../../../../_components/course/BarChart.tsx";

export const dynamic = "force-dynamic";

const pct = (a: number, b: number) => (b ? `${Math.round((100 * a) / b)}%` : "–");

export default async function AnalyticsPage({ params }: { params: Promise<{ id: string; exerciseId: string }> }) {
  const { id, exerciseId } = await params;
  const user = await requireUser(`/courses/${id}/analytics/${exerciseId}`);
  const be = await loadServer();
  const a = await orNotFound(() => be.exerciseAnalytics(user, id, exerciseId));
  const { course } = await orNotFound(() => be.courseDetail(user, id));
  return (
    <>
      <TopBar user={user} crumbs={[{ href: "/courses", label: "Courses" }, { href: `/courses/${id}`, label: course.title }, { href: `/courses/${id}/gradebook`, label: "Gradebook" }, { label: a.title }]} />
      <main className="page">
        <h1>{a.title} <span className="muted small">version <code>{a.version.slice(0, 8)}</code></span></h1>
        <p data-testid="pass-rate">
          Pass rate: <b>{pct(a.passed, a.attempted)}</b> of the {a.attempted} learner(s) who tried ({a.passed} with full marks; {a.learners - a.attempted} of {a.learners} not started) ·
          submissions passed: {pct(a.submissionsPassed, a.submissions)} of {a.submissions}
        </p>
        <div className="charts card">
          <ColumnChart testid="distribution" title="Learners by best score (fraction of full marks)" values={a.distribution} labels={a.distribution.map((_, i) => `${i * 10}`)} />
          <HBarChart testid="failing-checks" title="Checks that fail most (failed submissions)" rows={a.failingChecks.map((c) => ({ label: c.name, value: c.count }))} />
          <HBarChart testid="hints" title="Hints shown most" tone="bar-hint" rows={a.hints.map((h) => ({ label: h.hint, value: h.count }))} />
        </div>
        <p className="muted small"><Link href={`/exercises/${exerciseId}/author`}>Author view of this exercise →</Link></p>
      </main>
    </>
  );
}
