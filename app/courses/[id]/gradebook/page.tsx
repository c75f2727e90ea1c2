import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { loadServer } from "../../../_lib/server-loader.ts";
import { orNotFound, requireUser } from "../../../_lib/session.ts";
import { TopBar } from "../../../_components/TopBar.tsx";
import { GradebookTable } from "../../../_components/course/GradebookTable.tsx";
import { RegradePanel } from "../../../_components/course/RegradePanel.tsx";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  return { title: (await getTranslations("gradebook"))("title") };
}

export default async function GradebookPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/courses/${id}/gradebook`);
  const be = await loadServer();
  const data = await orNotFound(() => be.gradebook(user, id));
  const cat = await be.getCatalogue();
  const t = await getTranslations("gradebook");
  const common = await getTranslations("common");
  const locale = await getLocale();
  const titleOf = (exerciseId: string, english: string) => {
    const ex = cat.exercises.find((e) => e.id === exerciseId);
    return ex ? be.localizedTitle(english, ex.files.statement, locale) : english;
  };
  data.items = data.items.map((i) => ({ ...i, title: titleOf(i.exerciseId, i.title) }));
  const seen = new Set<string>();
  const exercises = data.items.filter((i) => !seen.has(i.exerciseId) && seen.add(i.exerciseId)).map((i) => ({ id: i.exerciseId, title: i.title, version: cat.exercises.find((e) => e.id === i.exerciseId)?.version ?? "" }));
  return (
    <>
      <TopBar user={user} crumbs={[{ href: "/courses", label: common("courses") }, { href: `/courses/${id}`, label: data.course.title }, { label: t("title") }]} />
      <main className="page" style={{ maxWidth: 1400 }}>
        <h1>{t("title")}</h1>
        <p>
          <a href={`/api/courses/${id}/gradebook?format=csv`} data-testid="export-csv" download>{t("exportCsv")}</a>
        </p>
        <p className="small" data-testid="submission-downloads">
          {t("finalSubmissions")}{" "}
          {data.assignments.map((a, i) => <span key={a.id}>{i > 0 && " · "}<a href={`/api/courses/${id}/assignments/${a.id}/submissions`} download>{a.title}</a></span>)}
        </p>
        <section className="card"><GradebookTable data={data} /></section>
        {data.role === "instructor" && exercises.length > 0 && (
          <section className="card" data-testid="regrade">
            <h2>{t("regrade")}</h2>
            <p className="muted small">{t("regradeNote")}</p>
            <RegradePanel courseId={id} exercises={exercises} />
          </section>
        )}
        <p className="muted small"><Link href={`/courses/${id}`}>{t("backToCourse")}</Link></p>
      </main>
    </>
  );
}
