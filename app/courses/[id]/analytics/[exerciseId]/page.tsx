import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { loadServer } from "../../../../_lib/server-loader.ts";
import { orNotFound, requireUser } from "../../../../_lib/session.ts";
import { TopBar } from "../../../../_components/TopBar.tsx";
import { ColumnChart, HBarChart } from "../../../../_components/course/BarChart.tsx";
import { graderCatalog } from "../../../../../lib/messages/translations.ts";
import { renderCheckName, renderText } from "../../../../../lib/messages/text.ts";

export const dynamic = "force-dynamic";

const pct = (a: number, b: number) => (b ? `${Math.round((100 * a) / b)}%` : "–");

export default async function AnalyticsPage({ params }: { params: Promise<{ id: string; exerciseId: string }> }) {
  const { id, exerciseId } = await params;
  const user = await requireUser(`/courses/${id}/analytics/${exerciseId}`);
  const be = await loadServer();
  const a = await orNotFound(() => be.exerciseAnalytics(user, id, exerciseId));
  const { course } = await orNotFound(() => be.courseDetail(user, id));
  const t = await getTranslations("analytics");
  const common = await getTranslations("common");
  const gradebook = await getTranslations("gradebook");
  // Check names and hints in the reader's language (the exercise's translations), else English.
  const ex = await be.findExercise(exerciseId);
  const grader = ex ? graderCatalog(await getLocale(), ex.dir) : {};
  return (
    <>
      <TopBar user={user} crumbs={[{ href: "/courses", label: common("courses") }, { href: `/courses/${id}`, label: course.title }, { href: `/courses/${id}/gradebook`, label: gradebook("title") }, { label: a.title }]} />
      <main className="page">
        <h1>{a.title} <span className="muted small">{t("version")} <code>{a.version.slice(0, 8)}</code></span></h1>
        <p data-testid="pass-rate">
          {t.rich("passRate", { rate: pct(a.passed, a.attempted), attempted: a.attempted, passed: a.passed, notStarted: a.learners - a.attempted, learners: a.learners, b: (chunks) => <b>{chunks}</b> })}{" "}
          {t("submissionsPassed", { rate: pct(a.submissionsPassed, a.submissions), submissions: a.submissions })}
        </p>
        <div className="charts card">
          <ColumnChart testid="distribution" title={t("distribution")} values={a.distribution} labels={a.distribution.map((_, i) => `${i * 10}`)} />
          <HBarChart testid="failing-checks" title={t("failingChecks")} rows={a.failingChecks.map((c) => ({ label: renderCheckName(c.name, grader), value: c.count }))} />
          <HBarChart testid="hints" title={t("hints")} tone="bar-hint" rows={a.hints.map((h) => ({ label: (h.text && renderText(h.text, grader)) || h.hint, value: h.count }))} />
        </div>
        <p className="muted small"><Link href={`/exercises/${exerciseId}/author`}>{t("authorView")}</Link></p>
      </main>
    </>
  );
}
