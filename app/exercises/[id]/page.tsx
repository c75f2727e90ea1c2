import Link from "next/link";
import { notFound } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { loadServer } from "../../_lib/server-loader.ts";
import { requireUser } from "../../_lib/session.ts";
import { TopBar } from "../../_components/TopBar.tsx";
import "../../_components/markdown.css";
import { Workbench } from "../../_components/Workbench.tsx";
import { TranslationNote } from "../../_components/TranslationNote.tsx";
import { ExamBanner } from "../../_components/ExamBanner.tsx";
import { catalogueText } from "../../_i18n/catalogue.ts";
import { GraderTexts } from "../../_components/GraderTexts.tsx";
import { exerciseTextCatalog } from "../../_i18n/grader-catalog.ts";
import { ClientMessages } from "../../_i18n/client-messages.tsx";
import { renderCheckName } from "../../../lib/messages/text.ts";
import { staticUrls } from "../../_run/static-manifest.ts";
import { EarlyRun } from "./EarlyRun.tsx";
import { statementHtml } from "./statement-html.ts";

export const dynamic = "force-dynamic";

/** The exercise's title in the reader's language (the catalogue's titles are public: no access check needed to name it). */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const be = await loadServer();
  const ex = await be.findExercise(id);
  return ex ? { title: be.localizedTitle(ex.meta.title, ex.files.statement, await getLocale()) } : {};
}

export default async function ExercisePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const { backend } = await searchParams;
  const user = await requireUser(`/exercises/${id}`);
  const be = await loadServer();
  const ex = await be.findExercise(id);
  if (!ex || !be.mayOpenExercise(user, id)) notFound();
  be.startExamWindows(user, id); // a timed assignment's window runs from the learner's first open
  const locale = await getLocale();
  const t = await getTranslations("exercise");
  const view = await be.exerciseView(ex, locale);
  const best = be.progress(user.id).get(id);
  const run = be.runSupport(id);
  const rules = await be.exerciseCourseRules(user, id);
  // The grader's words for this page (check names here, the results panel below) in the reader's language.
  const graderTexts = exerciseTextCatalog(locale, ex.dir);
  const assets = staticUrls();
  const draft = be.readDraft(user.id, id);
  // The first Run of the code the page opens with needs no transpiler in the browser (app/_run/run-main.ts).
  const seed = assets && run.run ? await be.runSeed(draft?.code ?? view.starter) : undefined;
  const exportList = view.exports.map((e) => <code key={e}>{e}</code>).reduce<React.ReactNode[]>((a, c, i) => (i ? [...a, ", ", c] : [c]), []);
  return (
    <>
      {/* First in the body: the Run worker starts while the rest of the page loads and hydrates. */}
      <EarlyRun assets={assets} exercise={{ id: view.id, timeoutMs: view.timeoutMs }} run={run} backend={typeof backend === "string" ? backend : undefined} seed={seed} />
      <TopBar user={user} crumbs={[{ href: "/", label: catalogueText(locale).setTitle(view.set, view.setTitle) }, { label: view.title }]} />
      <main className="exercise">
        <article className="statement">
          <div className="ex-meta">
            <span className="tag">{catalogueText(locale).topic(view.topic)}</span>
            <span className="muted small">{t.rich("pointsAndExports", { points: view.points, exports: () => <>{exportList}</> })}</span>
          </div>
          <TranslationNote state={view.translation} locale={locale} />
          <div lang={view.statementLocale}>
            {/* Static HTML, rendered once per text: nothing in it for the browser to hydrate (statement-html.ts). */}
            <div className="markdown" dangerouslySetInnerHTML={{ __html: statementHtml(view.statement) }} />
          </div>
          <h3>{t("checks")}</h3>
          <ul className="checklist">
            {view.checks.map((c) => (
              <li key={c.name}>
                <span className={`vis vis-${c.visibility}`}>{t(`visibility.${c.visibility}`)}</span> <span data-i18n="check-name">{renderCheckName(c.name, graderTexts)}</span> <span className="muted small">{t("checkPoints", { count: c.points })}</span>
              </li>
            ))}
          </ul>
          <p className="muted small">
            {t("hiddenChecksNote")} <Link href={`/exercises/${id}/history`}>{t("yourSubmissions")}</Link>
            {be.isStaffAnywhere(user) && <> · <Link href={`/exercises/${id}/author`} data-testid="author-link">{t("authorView")}</Link></>}
          </p>
        </article>
        {/* Only what the workbench (editor, Run, Submit, results, charts, draft) and the exam banner say in the browser. */}
        <ClientMessages namespaces={["charts", "courseRules", "diff", "draft", "exam", "results", "runProgress", "workbench"]}>
          <ExamBanner rules={rules.map((r) => ({ courseTitle: r.courseTitle, timeZone: r.timeZone, ...r.exam }))} serverNow={Date.now()} />
          <GraderTexts catalog={graderTexts}>
          <Workbench
            exercise={{ id: view.id, starter: view.starter, exports: view.exports, points: view.points, timeoutMs: view.timeoutMs }}
            userId={user.id}
            draft={draft}
            best={best ? { best: best.best, attempts: best.attempts } : null}
            run={run}
            rules={rules}
            serverNow={Date.now()}
            assets={assets}
          />
          </GraderTexts>
        </ClientMessages>
      </main>
    </>
  );
}
