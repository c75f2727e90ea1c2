import { orNotFound, requireUser } from "../../_lib/session.ts";
import { loadServer } from "../../_lib/server-loader.ts";
import { TopBar } from "../../_components/TopBar.tsx";
import { getTranslations } from "next-intl/server";

export const dynamic = "force-dynamic";

const ms = (x: number | null) => (x === null ? "—" : x < 1000 ? `${Math.round(x)} ms` : `${(x / 1000).toFixed(1)} s`);

/** The grading queue for admins: the same figures as GET /api/admin/queue (JSON, for monitoring). */
export default async function QueuePage() {
  const user = await requireUser("/admin/queue");
  const be = await loadServer();
  const s = await orNotFound(() => be.queueStatus(user));
  const t = await getTranslations("queue");
  return (
    <>
      <TopBar user={user} crumbs={[{ label: t("title") }]} />
      <main className="page" data-testid="queue-status">
        <h1>{t("title")}</h1>
        <p className="muted">
          {t("engine", { engine: s.engine === "pg-boss" ? t("enginePg") : t("engineSqlite") })}<a href="/api/admin/queue">/api/admin/queue</a> · {s.generatedAt}
        </p>
        <h2>{t("now")}</h2>
        <table>
          <tbody>
            <tr><th>{t("depth")}</th><td data-testid="queue-depth">{s.depth}</td></tr>
            <tr><th>{t("jobsRecord")}</th><td>{t("jobsLine", { queued: s.jobs.queued, running: s.jobs.leased, done: s.jobs.done, failed: s.jobs.failed })}</td></tr>
            {s.engineJobs && <tr><th>{t("jobsEngine")}</th><td>{t("engineLine", { queued: s.engineJobs.queued, running: s.engineJobs.leased, done: s.engineJobs.done, failed: s.engineJobs.failed })}</td></tr>}
          </tbody>
        </table>
        <h2>{t("lastHour")}</h2>
        <table>
          <tbody>
            <tr><th>{t("verdicts")}</th><td>{t("verdictsLine", { verdicts: s.lastHour.verdicts, perMinute: s.lastHour.verdictsPerMinute, failed: s.lastHour.failed })}</td></tr>
            <tr><th>{t("wait")}</th><td>{t("waitLine", { p50: ms(s.lastHour.queueWaitMs.p50), p95: ms(s.lastHour.queueWaitMs.p95), max: ms(s.lastHour.queueWaitMs.max), n: s.lastHour.queueWaitMs.n })}</td></tr>
          </tbody>
        </table>
        <h2>{t("workers")}</h2>
        {s.workers.length === 0 ? (
          <p className="muted">{t("noWorkers")}</p>
        ) : (
          <table>
            <thead>
              <tr><th>{t("worker")}</th><th>{t("host")}</th><th>{t("version")}</th><th>{t("heartbeat")}</th><th /></tr>
            </thead>
            <tbody>
              {s.workers.map((w) => (
                <tr key={w.name}>
                  <td>{w.name}</td>
                  <td>{w.host}</td>
                  <td>{w.version ?? "—"}</td>
                  <td>{w.lastHeartbeat}</td>
                  <td>{w.live ? t("live") : t("quiet")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
    </>
  );
}
