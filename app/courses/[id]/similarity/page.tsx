import { getTranslations } from "next-intl/server";
import { loadServer } from "../../../_lib/server-loader.ts";
import { orNotFound, requireUser } from "../../../_lib/session.ts";
import { TopBar } from "../../../_components/TopBar.tsx";
import { SimilarityRuns } from "./SimilarityRuns.tsx";

export const dynamic = "force-dynamic";

/** Similarity checks of a course (staff): start one for an exercise, follow its progress, open its ranked pairs. */
export default async function SimilarityPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/courses/${id}/similarity`);
  const be = await loadServer();
  const runs = await orNotFound(() => be.similarityRunsOf(user, id));
  const d = await be.courseDetail(user, id);
  const t = await getTranslations("similarity");
  const exercises = d.assignments.flatMap((a) => a.exercises.map((x) => ({ id: x.id, title: `${a.title}: ${x.title}` })));
  return (
    <>
      <TopBar user={user} crumbs={[{ href: "/courses", label: "Courses" }, { href: `/courses/${id}`, label: d.course.title }, { label: t("title") }]} />
      <main className="page">
        <h1>{t("title")}</h1>
        <p className="muted">{t("intro")}</p>
        <SimilarityRuns courseId={id} exercises={exercises} initial={runs} />
      </main>
    </>
  );
}
