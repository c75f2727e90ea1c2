import Link from "next/link";
import { loadServer } from "../../../../_lib/server-loader.ts";
import { orNotFound, requireUser } from "../../../../_lib/session.ts";
import { TopBar } from "../../../../_components/TopBar.tsx";

export const dynamic = "force-dynamic";

const fmt = (x: number | null) => (x == null ? "–" : (Math.round(x * 100) / 100).toString());
const short = (v: string | null) => (v ? v.slice(0, 8) : "–");

export default async function LearnerHistoryPage({ params }: { params: Promise<{ id: string; userId: string }> }) {
  const { id, userId } = await params;
  const user = await requireUser(`/courses/${id}/learners/${userId}`);
  const be = await loadServer();
  const h = await orNotFound(() => be.learnerHistory(user, id, userId));
  return (
    <>
      <TopBar user={user} crumbs={[{ href: "/courses", label: "Courses" }, { href: `/courses/${id}`, label: h.course.title }, { href: `/courses/${id}/gradebook`, label: "Gradebook" }, { label: h.learner.email }]} />
      <main className="page" style={{ maxWidth: 1200 }}>
        <h1>{h.learner.name} <span className="muted small">{h.learner.email}{h.learner.section ? ` · section ${h.learner.section}` : ""}</span></h1>
        <p className="muted small">Every submission to this course&apos;s exercises, newest first ({h.course.timeZone}). Versions: the exercise&apos;s content hash at submission, of the current result, and now.</p>
        <table className="history" data-testid="learner-history">
          <thead><tr><th>Submitted</th><th>Exercise</th><th>Score</th><th>After late policy</th><th>Versions (submitted / graded / current)</th><th>Grading history</th></tr></thead>
          <tbody>
            {h.entries.map((e) => (
              <tr key={e.id} data-testid="history-row">
                <td>{e.createdLocal}</td>
                <td>{e.exerciseTitle}</td>
                <td>{e.status === "done" ? `${fmt(e.score)} / ${fmt(e.maxScore)} ${e.verdict}` : e.status}</td>
                <td data-testid="adjusted">{fmt(e.adjusted)} <span className="muted small">{e.lateNote}</span></td>
                <td><code>{short(e.submittedVersion)}</code> / <code>{short(e.gradedVersion)}</code> / <code>{short(e.currentVersion)}</code>{e.gradedVersion && e.currentVersion && e.gradedVersion !== e.currentVersion ? <span className="late small"> (stale: regrade?)</span> : null}</td>
                <td className="small" data-testid="grades">
                  {e.grades.map((g, i) => (
                    <div key={i}>{g.kind} {g.gradedLocal}: {fmt(g.score)}/{fmt(g.maxScore)} ({g.verdict}) v<code>{short(g.version)}</code>{g.applied ? "" : " — not applied (lower)"}</div>
                  ))}
                  <details><summary>code</summary><pre className="code">{e.code}</pre></details>
                  <Link href={`/api/submissions/${e.id}`}>result JSON</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </main>
    </>
  );
}
