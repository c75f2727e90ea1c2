import Link from "next/link";
import { notFound } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { loadServer } from "../../../_lib/server-loader.ts";
import { orNotFound, requireUser } from "../../../_lib/session.ts";
import { TopBar } from "../../../_components/TopBar.tsx";
import { Markdown } from "../../../_components/Markdown.tsx";
import { catalogueText } from "../../../_i18n/catalogue.ts";
import { TranslationNote } from "../../../_components/TranslationNote.tsx";
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
  const locale = await getLocale();
  const view = await be.exerciseView(ex, locale);
  const t = await getTranslations("pages.author");
  const ex_ = await getTranslations("exercise");
  return (
    <>
      <TopBar user={user} crumbs={[{ href: "/", label: catalogueText(locale).setTitle(view.set, view.setTitle) }, { href: `/exercises/${id}`, label: view.title }, { label: t("crumb") }]} />
      <main className="page" style={{ maxWidth: 1200 }}>
        <h1>{view.title} <span className="muted small">{t("version")} <code data-testid="version">{a.version}</code></span></h1>
        <p className="muted small">{t.rich("summary", { points: view.points, exports: view.exports.join(", "), open: (chunks) => <Link href={`/exercises/${id}`}>{chunks}</Link> })}</p>
        <section className="card"><h2>{t("validation")}</h2><ValidateButton exerciseId={id} /></section>
        <div className="exercise" style={{ height: "auto" }}>
          <article className="statement card" data-testid="preview">
            <p className="muted small">{t("preview")}</p>
            <TranslationNote state={view.translation} locale={locale} />
            <div lang={view.statementLocale}><Markdown source={view.statement} /></div>
            <h3>{ex_("checks")}</h3>
            <ul className="checklist" data-testid="author-checks">
              {view.checks.map((c) => <li key={c.name}><span className={`vis vis-${c.visibility}`}>{ex_(`visibility.${c.visibility}`)}</span> <span data-i18n="check-name">{c.name}</span> {ex_("checkPoints", { count: c.points })}</li>)}
            </ul>
            <h3>{t("starter")}</h3>
            <pre className="code">{view.starter}</pre>
          </article>
          <article className="card">
            <h2>{t("solution")} <span className="muted small">{t("neverSent")}</span></h2>
            <pre className="code" data-testid="solution">{a.solution}</pre>
            <h3>{t("hiddenChecks")}</h3>
            <ul data-testid="hidden-checks">{a.hiddenChecks.map((n) => <li key={n}>{n}</li>)}</ul>
          </article>
        </div>
      </main>
    </>
  );
}
