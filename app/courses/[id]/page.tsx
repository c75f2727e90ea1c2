import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { policyWords } from "../../_i18n/late-policy.ts";
import { loadServer } from "../../_lib/server-loader.ts";
import { orNotFound, requireUser } from "../../_lib/session.ts";
import { TopBar } from "../../_components/TopBar.tsx";
import { AssignmentForm, CourseSettingsForm, ExtensionForm, InviteLink, MemberRoleForm, RosterImport, Section } from "../../_components/course/CourseForms.tsx";
import { CourseLifecycle } from "../../_components/course/CourseLifecycle.tsx";
import { MemberActions } from "../../_components/course/MemberActions.tsx";
import { LtiPassback } from "../../_components/course/LtiPassback.tsx";

export const dynamic = "force-dynamic";

const fmt = (x: number) => (Math.round(x * 100) / 100).toString();

export default async function CoursePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/courses/${id}`);
  const be = await loadServer();
  const d = await orNotFound(() => be.courseDetail(user, id));
  const staff = d.role !== "learner";
  const instructor = d.role === "instructor";
  const prog = be.progress(user.id);
  // Courses fed by an LMS (LTI): the staff see grade passback and roster sync.
  const lti = staff ? be.lti.course.status(user, id) : null;
  const cat = await be.getCatalogue();
  const takenBy = new Map(d.assignments.flatMap((a) => a.exercises.map((x) => [x.id, a.title] as const)));
  const picker = cat.exercises.map((x) => ({ id: x.id, title: x.meta.title, set: cat.sets.find((s) => s.id === x.set)?.title ?? x.set, topic: x.meta.topic, takenBy: takenBy.get(x.id) }));
  const t = await getTranslations("course");
  const common = await getTranslations("common");
  const gradebook = await getTranslations("gradebook");
  const courseRules = await getTranslations("courseRules");
  const home = await getTranslations("home");
  const tSim = await getTranslations("similarity");
  const tExam = await getTranslations("exam.settings");
  const locale = await getLocale();
  const localTitle = (exerciseId: string, english: string) => {
    const ex = cat.exercises.find((e) => e.id === exerciseId);
    return ex ? be.localizedTitle(english, ex.files.statement, locale) : english;
  };
  for (const a of d.assignments) a.exercises = a.exercises.map((x) => ({ ...x, title: localTitle(x.id, x.title) }));
  const titleOf = (exerciseId: string) => d.assignments.flatMap((a) => a.exercises).find((x) => x.id === exerciseId)?.title ?? exerciseId;
  return (
    <>
      <TopBar user={user} crumbs={[{ href: "/courses", label: common("courses") }, { label: d.course.title }]} />
      <main className="page">
        <h1 data-testid="course-title">{d.course.title}</h1>
        {d.course.archived && <p className="notice" data-testid="archived">{t("archived")}</p>}
        <p className="muted">
          {t("datesIn", { zone: d.course.timeZone, role: d.role })}
          {staff && <> · <Link href={`/courses/${id}/gradebook`} data-testid="gradebook-link">{t("gradebookLink", { title: gradebook("title") })}</Link></>}
          {staff && <> · <Link href={`/courses/${id}/similarity`} data-testid="similarity-link">{tSim("link")}</Link></>}
        </p>
        <Section title={t("assignments")} testid="assignments">
          {d.assignments.length === 0 && <p className="muted">{staff ? t("noAssignment") : t("noAssignmentReleased")}</p>}
          {d.assignments.map((a) => (
            <div key={a.id} className="set" data-testid={`assignment-${a.title}`}>
              <div className="set-head">
                <h3>{a.title}{!a.released && <span className="muted small">{t("notReleased", { when: a.releaseLocal ?? "" })}</span>}</h3>
                <span className="muted small">{a.dueLocal ? t.rich("due", { when: () => <b data-testid="due">{a.dueLocal}</b> }) : courseRules("noDueDate")}{a.extensionLocal && t.rich("yourExtension", { when: () => <b data-testid="my-extension">{a.extensionLocal}</b> })}</span>
              </div>
              {staff && (
                <p className="small">
                  {instructor && <><Link href={`/courses/${id}/assignments/${a.id}`} data-testid="edit-assignment">{t("editOrDelete")}</Link> · </>}
                  {staff && <><Link href={`/courses/${id}/assignments/${a.id}/exam`} data-testid="exam-link">{tExam("title")}</Link> · </>}
                  <a href={`/api/courses/${id}/assignments/${a.id}/submissions`} download data-testid="download-submissions">{t("downloadSubmissions")}</a>
                </p>
              )}
              <p className="muted small">
                {t("late", { policy: policyWords(courseRules, a.latePolicy) })}
                {a.maxSubmissions ? t("maxSubmissions", { n: a.maxSubmissions }) : ""}
                {a.cooldownSeconds ? courseRules("cooldown", { s: a.cooldownSeconds }) : ""}
              </p>
              <ul className="exercises">
                {a.exercises.map((x) => {
                  // A learner sees what the gradebook records (attempts made in this course, after the late policy).
                  const mine = d.myScores[x.id];
                  const p = staff ? prog.get(x.id) : mine && { best: mine.best, attempts: mine.attempts };
                  const overridden = !staff && mine?.overridden;
                  return (
                    <li key={x.id} style={{ gridTemplateColumns: "1fr 90px 120px" }}>
                      <Link href={`/exercises/${x.id}`} data-testid={`open-${x.id}`}>{x.title}</Link>
                      <span className="score" data-testid={`score-${x.id}`}>{p && p.best !== null ? `${fmt(Math.min(p.best, x.points))} / ${x.points}` : `– / ${x.points}`}{overridden ? t("setByInstructor") : ""}</span>
                      {staff ? <Link className="small" href={`/exercises/${x.id}/author`}>{t("authorView")}</Link> : <span className="muted small">{p?.attempts ? home("attempts", { count: p.attempts }) : home("notStarted")}</span>}
                    </li>
                  );
                })}
              </ul>
            </div>
          ))}
          {!staff && <p className="muted small">{t("gradebookCounts")}</p>}
        </Section>
        {!staff && (d.feedback.overrides.length > 0 || d.feedback.comments.length > 0) && (
          <Section title={t("feedback")} testid="feedback">
            {d.feedback.overrides.length > 0 && (
              <>
                <h3>{t("overrides")}</h3>
                <ul data-testid="my-overrides">
                  {d.feedback.overrides.map((o, i) => (
                    <li key={i}>{o.atLocal} · {titleOf(o.exerciseId)}: {o.score === null ? t("backToAutograder") : <b>{fmt(o.score)}</b>} — “{o.comment}”{o.by ? ` (${o.by})` : ""}</li>
                  ))}
                </ul>
              </>
            )}
            {d.feedback.comments.length > 0 && (
              <>
                <h3>{t("comments")}</h3>
                <ul data-testid="my-comments">
                  {d.feedback.comments.map((c) => <li key={c.id}>{c.atLocal} · {titleOf(c.exerciseId)}: “{c.body}”{c.by ? ` (${c.by})` : ""}</li>)}
                </ul>
              </>
            )}
          </Section>
        )}
        {instructor && (
          <>
            <Section title={t("newAssignment")} testid="new-assignment">
              <AssignmentForm courseId={id} timeZone={d.course.timeZone} exercises={picker} />
            </Section>
            <Section title={t("roster")} testid="roster">
              <RosterImport courseId={id} />
              <hr />
              <InviteLink courseId={id} token={d.course.inviteToken} />
            </Section>
            <Section title={t("settings")} testid="settings">
              <CourseSettingsForm courseId={id} title={d.course.title} timeZone={d.course.timeZone} />
              <MemberRoleForm courseId={id} />
              <hr />
              <CourseLifecycle courseId={id} title={d.course.title} archived={d.course.archived} exported={d.course.exported} />
            </Section>
          </>
        )}
        {d.mayExtend && (
          <Section title={t("extensions")} testid="extensions">
            {d.extensions.length > 0 && (
              <ul data-testid="extension-list">{d.extensions.map((e, i) => <li key={i}>{t("extensionUntil", { assignment: d.assignments.find((a) => a.id === e.assignmentId)?.title ?? "", email: e.email, until: e.untilLocal })}</li>)}</ul>
            )}
            {d.assignments.length ? <ExtensionForm courseId={id} timeZone={d.course.timeZone} assignments={d.assignments.map((a) => ({ id: a.id, title: a.title }))} /> : <p className="muted">{t("createAssignmentFirst")}</p>}
          </Section>
        )}
        {lti && lti.contexts.length > 0 && <LtiPassback courseId={id} instructor={instructor} status={lti} />}
        {staff && (
          <Section title={t("members", { n: d.members.length })} testid="members">
            <table className="history">
              <thead><tr><th>{t("cols.email")}</th><th>{t("cols.name")}</th><th>{t("cols.section")}</th><th>{t("cols.studentId")}</th><th>{t("cols.role")}</th></tr></thead>
              <tbody>
                {d.members.map((m) => (
                  <tr key={m.userId} data-testid={`member-${m.email}`}>
                    <td>{m.role === "learner" ? <Link href={`/courses/${id}/learners/${m.userId}`}>{m.email}</Link> : m.email}</td><td>{m.name}</td><td>{m.section}</td><td>{m.studentId}</td>
                    <td>{instructor ? <MemberActions courseId={id} email={m.email} role={m.role} canExtend={m.canExtend} self={m.userId === user.id} /> : <>{common(`courseRoles.${m.role}`)}{m.canExtend ? t("mayExtend") : ""}</>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {d.invitations.length > 0 && (
              <>
                <h3>{t("invited", { n: d.invitations.length })}</h3>
                <p className="muted small">{t("invitedNote")}</p>
                <ul data-testid="invitations">{d.invitations.map((i) => <li key={i.email}>{i.email} · {common.has(`courseRoles.${i.role}`) ? common(`courseRoles.${i.role}`) : i.role}{i.section ? t("sectionNamed", { section: i.section }) : ""}</li>)}</ul>
              </>
            )}
          </Section>
        )}
      </main>
    </>
  );
}
