import { orNotFound, requireUser } from "../../_lib/session.ts";
import { loadServer } from "../../_lib/server-loader.ts";
import { TopBar } from "../../_components/TopBar.tsx";

export const dynamic = "force-dynamic";

const ms = (x: number | null) => (x === null ? "—" : x < 1000 ? `${Math.round(x)} ms` : `${(x / 1000).toFixed(1)} s`);

/** The grading queue for admins: the same figures as GET /api/admin/queue (JSON, for monitoring). */
export default async function QueuePage() {
  const user = await requireUser("/admin/queue");
  const be = await loadServer();
  const s = await orNotFound(() => be.queueStatus(user));
  return (
    <>
      <TopBar user={user} crumbs={[{ label: "Grading queue" }]} />
      <main className="page" data-testid="queue-status">
        <h1>Grading queue</h1>
        <p className="muted">
          Engine: {s.engine === "pg-boss" ? "pg-boss on PostgreSQL" : "SQLite (this machine)"} · as JSON: <a href="/api/admin/queue">/api/admin/queue</a> · {s.generatedAt}
        </p>
        <h2>Now</h2>
        <table>
          <tbody>
            <tr><th>Waiting (queue depth)</th><td data-testid="queue-depth">{s.depth}</td></tr>
            <tr><th>Jobs per state (web server's record)</th><td>queued {s.jobs.queued} · running {s.jobs.leased} · done {s.jobs.done} · gave up {s.jobs.failed}</td></tr>
            {s.engineJobs && <tr><th>Jobs per state (engine)</th><td>queued {s.engineJobs.queued} · running {s.engineJobs.leased} · done {s.engineJobs.done} · failed {s.engineJobs.failed}</td></tr>}
          </tbody>
        </table>
        <h2>Last hour</h2>
        <table>
          <tbody>
            <tr><th>Verdicts</th><td>{s.lastHour.verdicts} ({s.lastHour.verdictsPerMinute} a minute); {s.lastHour.failed} could not be graded</td></tr>
            <tr><th>Queue wait (stored → a worker took it)</th><td>p50 {ms(s.lastHour.queueWaitMs.p50)} · p95 {ms(s.lastHour.queueWaitMs.p95)} · max {ms(s.lastHour.queueWaitMs.max)} ({s.lastHour.queueWaitMs.n} jobs)</td></tr>
          </tbody>
        </table>
        <h2>Workers seen</h2>
        {s.workers.length === 0 ? (
          <p className="muted">No worker seen in the last hour.</p>
        ) : (
          <table>
            <thead>
              <tr><th>Worker</th><th>Host</th><th>Version</th><th>Last heartbeat</th><th /></tr>
            </thead>
            <tbody>
              {s.workers.map((w) => (
                <tr key={w.name}>
                  <td>{w.name}</td>
                  <td>{w.host}</td>
                  <td>{w.version ?? "—"}</td>
                  <td>{w.lastHeartbeat}</td>
                  <td>{w.live ? "live" : "quiet"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
    </>
  );
}
