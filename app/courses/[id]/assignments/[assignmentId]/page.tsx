import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { loadServer } from "../../../../_lib/server-loader.ts";
import { orNotFound, requireUser } from "../../../../_lib/session.ts";
import { TopBar } from "../../../../_components/TopBar.tsx";
import { Section } from "../../../../_components/course/CourseForms.tsx";
import { AssignmentForm, DeleteAssignment } from "../../../../_components/course/AssignmentEditor.tsx";

export const dynamic = "force-dynamic";

/** The assignment editor (instructors): what an edit does, the form, the history of edits, deleting. */
export default async function AssignmentEditPage({ params }: { params: Promise<{ id: string; assignmentId: string }> }) {
  const { id, assignmentId } = await params;
  const user = await requireUser(`/courses/${id}/assignments/${assignmentId}`);
  const be = await loadServer();
  const e = await orNotFound(() => be.assignmentForEditing(user, id, assignmentId));
  const d = await be.courseDetail(user, id);
  const instructor = d.role === "instructor";
  const cat = await be.getCatalogue();
  const t = await getTranslations("assignmentEditor");
  const common = await getTranslations("common");
  const takenBy = new Map(d.assignments.filter((a) => a.id !== assignmentId).flatMap((a) => a.exercises.map((x) => [x.id, a.title] as const)));
  const picker = cat.exercises.map((x) => ({ id: x.id, title: x.meta.title, set: cat.sets.find((s) => s.id === x.set)?.title ?? x.set, topic: x.meta.topic, takenBy: takenBy.get(x.id) }));
  return (
    <>
      <TopBar user={user} crumbs={[{ href: "/courses", label: common("courses") }, { href: `/courses/${id}`, label: e.course.title }, { label: e.assignment.title }]} />
      <main className="page">
        <h1 data-testid="assignment-title">{e.assignment.title}</h1>
        {e.course.archived && <p className="notice">{t("archived")}</p>}
        {instructor ? (
          <Section title={t("edit")} testid="edit">
            <AssignmentForm courseId={id} timeZone={e.course.timeZone} exercises={picker} initial={e.assignment} effect={e.effect} />
          </Section>
        ) : (
          <p className="muted">{t("instructorsOnly")}</p>
        )}
        <Section title={t("history")} testid="assignment-history">
          {e.history.length === 0 ? <p className="muted">{t("notEdited")}</p> : (
            <ul>
              {e.history.map((h, i) => (
                <li key={i} data-testid="history-entry">{h.at}{h.by ? t("by", { who: h.by }) : ""}<ul>{h.changes.map((c) => <li key={c}>{c}</li>)}</ul></li>
              ))}
            </ul>
          )}
        </Section>
        {instructor && (
          <Section title={t("delete")} testid="delete">
            <DeleteAssignment courseId={id} id={assignmentId} title={e.assignment.title} />
          </Section>
        )}
        <p className="muted small"><Link href={`/courses/${id}`}>{t("back")}</Link></p>
      </main>
    </>
  );
}
