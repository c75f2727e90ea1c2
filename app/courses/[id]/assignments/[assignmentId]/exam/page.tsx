import { getTranslations } from "next-intl/server";
import { loadServer } from "../../../../../_lib/server-loader.ts";
import { orNotFound, requireUser } from "../../../../../_lib/session.ts";
import { TopBar } from "../../../../../_components/TopBar.tsx";
import { ExamSettingsForm } from "./ExamSettingsForm.tsx";

export const dynamic = "force-dynamic";

/** Exam mode of one assignment (instructors change it, TAs read it). */
export default async function ExamPage({ params }: { params: Promise<{ id: string; assignmentId: string }> }) {
  const { id, assignmentId } = await params;
  const user = await requireUser(`/courses/${id}/assignments/${assignmentId}/exam`);
  const be = await loadServer();
  const s = await orNotFound(() => be.readExamSettings(user, id, assignmentId));
  const d = await be.courseDetail(user, id);
  const a = d.assignments.find((x) => x.id === assignmentId);
  const t = await getTranslations("exam.settings");
  return (
    <>
      <TopBar user={user} crumbs={[{ href: `/courses/${id}`, label: d.course.title }, { label: a?.title ?? assignmentId }, { label: t("title") }]} />
      <main className="page">
        <h1>{t("title")}: {a?.title}</h1>
        <p className="muted">{t("intro")}</p>
        <ExamSettingsForm courseId={id} assignmentId={assignmentId} timeZone={d.course.timeZone} initial={s} readOnly={d.role !== "instructor"} />
      </main>
    </>
  );
}
