import Link from "next/link";
import { loadServer } from "../../_lib/server-loader.ts";
import { orNotFound, requireUser } from "../../_lib/session.ts";
import { TopBar } from "../../_components/TopBar.tsx";
import { AssignmentForm, CourseSettingsForm, ExtensionForm, InviteLink, MemberRoleForm, RosterImport, Section } from "../../_components/course/CourseForms.tsx";
import { CourseLifecycle } from "../../_components/course/CourseLifecycle.tsx";
import { MemberActions } from "../../_components/course/MemberActions.tsx";

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
  const cat = await be.getCatalogue();
  const takenBy = new Map(d.assignments.flatMap((a) => a.exercises.map((x) => [x.id, a.title] as const)));
  const picker = cat.exercises.map((x) => ({ id: x.id, title: x.meta.title, set: cat.sets.find((s) => s.id === x.set)?.title ?? x.set, topic: x.meta.topic, takenBy: takenBy.get(x.id) }));
  const titleOf = (exerciseId: string) => d.assignments.flatMap((a) => a.exercises).find((x) => x.id === exerciseId)?.title ?? exerciseId;
  return (
    <>
      <TopBar user={user} crumbs={[{ href: "/courses", label: "Courses" }, { label: d.course.title }]} />
      <main className="page">
        <h1 data-testid="course-title">{d.course.title}</h1>
        {d.course.archived && <p className="notice" data-testid="archived">This course is archived: read-only, it takes no submissions.</p>}
        <p className="muted">
          Dates in {d.course.timeZone} · you are {d.role === "ta" ? "a TA" : `${d.role === "instructor" ? "an" : "a"} ${d.role}`}
          {staff && <> · <Link href={`/courses/${id}/gradebook`} data-testid="gradebook-link">Gradebook →</Link></>}
        </p>
        <Section title="Assignments" testid="assignments">
          {d.assignments.length === 0 && <p className="muted">No assignment {staff ? "yet" : "released yet"}.</p>}
          {d.assignments.map((a) => (
            <div key={a.id} className="set" data-testid={`assignment-${a.title}`}>
              <div className="set-head">
                <h3>{a.title}{!a.released && <span className="muted small"> (not released: opens {a.releaseLocal})</span>}</h3>
                <span className="muted small">{a.dueLocal ? <>due <b data-testid="due">{a.dueLocal}</b></> : "no due date"}{a.extensionLocal && <> · your extension: <b data-testid="my-extension">{a.extensionLocal}</b></>}</span>
              </div>
              {staff && (
                <p className="small">
                  {instructor && <><Link href={`/courses/${id}/assignments/${a.id}`} data-testid="edit-assignment">Edit or delete</Link> · </>}
                  <a href={`/api/courses/${id}/assignments/${a.id}/submissions`} download data-testid="download-submissions">Download final submissions (zip)</a>
                </p>
              )}
              <p className="muted small">
                Late: {a.latePolicyText}
                {a.maxSubmissions ? ` · at most ${a.maxSubmissions} submissions per exercise` : ""}
                {a.cooldownSeconds ? ` · ${a.cooldownSeconds} s between submissions` : ""}
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
                      <span className="score" data-testid={`score-${x.id}`}>{p && p.best !== null ? `${fmt(Math.min(p.best, x.points))} / ${x.points}` : `– / ${x.points}`}{overridden ? " (set by your instructor)" : ""}</span>
                      {staff ? <Link className="small" href={`/exercises/${x.id}/author`}>author view</Link> : <span className="muted small">{p?.attempts ? `${p.attempts} attempt${p.attempts === 1 ? "" : "s"}` : "not started"}</span>}
                    </li>
                  );
                })}
              </ul>
            </div>
          ))}
          {!staff && <p className="muted small">The gradebook counts your best attempt made in this course, after the late policy.</p>}
        </Section>
        {!staff && (d.feedback.overrides.length > 0 || d.feedback.comments.length > 0) && (
          <Section title="Feedback from your instructors" testid="feedback">
            {d.feedback.overrides.length > 0 && (
              <>
                <h3>Scores set by hand</h3>
                <ul data-testid="my-overrides">
                  {d.feedback.overrides.map((o, i) => (
                    <li key={i}>{o.atLocal} · {titleOf(o.exerciseId)}: {o.score === null ? "back to the autograder's score" : <b>{fmt(o.score)}</b>} — “{o.comment}”{o.by ? ` (${o.by})` : ""}</li>
                  ))}
                </ul>
              </>
            )}
            {d.feedback.comments.length > 0 && (
              <>
                <h3>Comments on your submissions</h3>
                <ul data-testid="my-comments">
                  {d.feedback.comments.map((c) => <li key={c.id}>{c.atLocal} · {titleOf(c.exerciseId)}: “{c.body}”{c.by ? ` (${c.by})` : ""}</li>)}
                </ul>
              </>
            )}
          </Section>
        )}
        {instructor && (
          <>
            <Section title="New assignment" testid="new-assignment">
              <AssignmentForm courseId={id} timeZone={d.course.timeZone} exercises={picker} />
            </Section>
            <Section title="Roster" testid="roster">
              <RosterImport courseId={id} />
              <hr />
              <InviteLink courseId={id} token={d.course.inviteToken} />
            </Section>
            <Section title="Settings" testid="settings">
              <CourseSettingsForm courseId={id} title={d.course.title} timeZone={d.course.timeZone} />
              <MemberRoleForm courseId={id} />
              <hr />
              <CourseLifecycle courseId={id} title={d.course.title} archived={d.course.archived} exported={d.course.exported} />
            </Section>
          </>
        )}
        {d.mayExtend && (
          <Section title="Extensions" testid="extensions">
            {d.extensions.length > 0 && (
              <ul data-testid="extension-list">{d.extensions.map((e, i) => <li key={i}>{d.assignments.find((a) => a.id === e.assignmentId)?.title}: {e.email} until {e.untilLocal}</li>)}</ul>
            )}
            {d.assignments.length ? <ExtensionForm courseId={id} timeZone={d.course.timeZone} assignments={d.assignments.map((a) => ({ id: a.id, title: a.title }))} /> : <p className="muted">Create an assignment first.</p>}
          </Section>
        )}
        {staff && (
          <Section title={`Members (${d.members.length})`} testid="members">
            <table className="history">
              <thead><tr><th>Email</th><th>Name</th><th>Section</th><th>Student ID</th><th>Role</th></tr></thead>
              <tbody>
                {d.members.map((m) => (
                  <tr key={m.userId} data-testid={`member-${m.email}`}>
                    <td>{m.role === "learner" ? <Link href={`/courses/${id}/learners/${m.userId}`}>{m.email}</Link> : m.email}</td><td>{m.name}</td><td>{m.section}</td><td>{m.studentId}</td>
                    <td>{instructor ? <MemberActions courseId={id} email={m.email} role={m.role} canExtend={m.canExtend} self={m.userId === user.id} /> : <>{m.role}{m.canExtend ? " (extensions)" : ""}</>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {d.invitations.length > 0 && (
              <>
                <h3>Invited, not joined yet ({d.invitations.length})</h3>
                <p className="muted small">Someone joins when they accept on their Courses page (it needs an account with that email).</p>
                <ul data-testid="invitations">{d.invitations.map((i) => <li key={i.email}>{i.email} · {i.role}{i.section ? ` · section ${i.section}` : ""}</li>)}</ul>
              </>
            )}
          </Section>
        )}
      </main>
    </>
  );
}
