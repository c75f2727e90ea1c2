"use client";
/** The instructor's forms on the course pages; each calls the course API and refreshes the page. */
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { useTranslations } from "next-intl";
import { sendJson } from "./api.ts";
import { fd, Status, useSubmit } from "./form-kit.tsx";

export { AssignmentForm } from "./AssignmentEditor.tsx";

export function CreateCourseForm({ zones, defaultZone }: { zones: string[]; defaultZone: string }) {
  const router = useRouter();
  const s = useSubmit();
  const t = useTranslations("courseForms");
  return (
    <form className="card form inline-form" data-testid="create-course" onSubmit={(e) => {
      const f = fd(e);
      void s.run("/api/courses", "POST", { title: f.get("title"), timeZone: f.get("timeZone") }, (d) => {
        router.push(`/courses/${d.id as string}`);
        return t("created");
      });
    }}>
      <h2>{t("newCourse")}</h2>
      <label>{t("title")} <input name="title" required maxLength={200} /></label>
      <label>{t("timeZoneLong")}
        <input name="timeZone" list="zones" defaultValue={defaultZone} required />
        <datalist id="zones">{zones.map((z) => <option key={z} value={z} />)}</datalist>
      </label>
      <button className="primary" disabled={s.busy}>{t("createCourse")}</button>
      <Status error={s.error} done={s.done} testid="create-course" />
    </form>
  );
}

export function CourseSettingsForm({ courseId, title, timeZone }: { courseId: string; title: string; timeZone: string }) {
  const s = useSubmit();
  const t = useTranslations("courseForms");
  return (
    <form className="form inline-form" data-testid="course-settings" onSubmit={(e) => {
      const f = fd(e);
      void s.run(`/api/courses/${courseId}`, "PATCH", { title: f.get("title"), timeZone: f.get("timeZone") }, () => t("saved"));
    }}>
      <label>{t("title")} <input name="title" defaultValue={title} required /></label>
      <label>{t("timeZone")} <input name="timeZone" defaultValue={timeZone} required /></label>
      <button disabled={s.busy}>{t("saveSettings")}</button>
      <Status error={s.error} done={s.done} testid="course-settings" />
    </form>
  );
}

export function RosterImport({ courseId }: { courseId: string }) {
  const s = useSubmit();
  const t = useTranslations("courseForms");
  const [errors, setErrors] = useState<{ line: number; field?: string; message: string }[]>([]);
  const [created, setCreated] = useState<{ email: string; password: string }[]>([]);
  const [text, setText] = useState("");
  return (
    <form className="form" data-testid="roster-form" onSubmit={(e) => {
      e.preventDefault();
      setErrors([]);
      setCreated([]);
      void s.run(`/api/courses/${courseId}/roster`, "POST", { csv: text }, (d) => {
        setCreated((d.created as { email: string; password: string }[]) ?? []);
        return t("imported", { enrolled: d.enrolled as number, created: (d.created as unknown[]).length, updated: d.updated as number, invited: (d.invited as number | undefined) ?? 0 });
      }, (d) => setErrors((d.errors as typeof errors) ?? []));
    }}>
      <label>{t.rich("rosterCsv", { code: (chunks) => <code>{chunks}</code> })}
        <input type="file" accept=".csv,text/csv" data-testid="roster-file" onChange={async (e) => setText((await e.target.files?.[0]?.text()) ?? "")} />
      </label>
      <textarea name="csv" rows={5} value={text} onChange={(e) => setText(e.target.value)} placeholder={"email,name,section\nada@example.com,Ada Lovelace,A"} />
      <button className="primary" disabled={s.busy || !text.trim()}>{t("importRoster")}</button>
      <Status error={s.error} done={s.done} testid="roster" />
      {errors.length > 0 && (
        <ul className="error" data-testid="roster-errors">
          {errors.map((x, i) => <li key={i}>{t("line", { line: x.line })}{x.field ? ` (${x.field})` : ""}: {x.message}</li>)}
        </ul>
      )}
      {created.length > 0 && (
        <div className="notice" data-testid="roster-passwords">
          <p>{t.rich("newAccounts", { b: (chunks) => <b>{chunks}</b> })}</p>
          <table className="history"><tbody>{created.map((c) => <tr key={c.email}><td>{c.email}</td><td><code>{c.password}</code></td></tr>)}</tbody></table>
        </div>
      )}
    </form>
  );
}

export function InviteLink({ courseId, token }: { courseId: string; token: string | null }) {
  const s = useSubmit();
  const t = useTranslations("courseForms");
  const [current, setCurrent] = useState(token);
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  return (
    <div data-testid="invite">
      {current ? <p>{t("inviteLink")} <code data-testid="invite-link">{origin}/join/{current}</code></p> : <p className="muted">{t("noInviteLink")}</p>}
      <button disabled={s.busy} onClick={() => void s.run(`/api/courses/${courseId}/invite`, "POST", { rotate: !!current }, (d) => {
        setCurrent(d.token as string);
        return current ? t("linkReplaced") : t("linkMade");
      })}>{current ? t("replaceLink") : t("makeLink")}</button>
      <Status error={s.error} done={s.done} testid="invite" />
    </div>
  );
}

export function MemberRoleForm({ courseId }: { courseId: string }) {
  const s = useSubmit();
  const t = useTranslations("courseForms");
  return (
    <form className="form inline-form" data-testid="member-form" onSubmit={(e) => {
      const f = fd(e);
      void s.run(`/api/courses/${courseId}/members`, "PUT", { email: f.get("email"), role: f.get("role") }, (d) => (typeof d.message === "string" ? d.message : t("roleSet")));
    }}>
      <label>{t("email")} <input name="email" type="email" required /></label>
      <label>{t("role")} <select name="role" defaultValue="ta"><option value="learner">{t("roles.learner")}</option><option value="ta">{t("roles.ta")}</option><option value="instructor">{t("roles.instructor")}</option></select></label>
      <button disabled={s.busy}>{t("setRole")}</button>
      <Status error={s.error} done={s.done} testid="member" />
    </form>
  );
}

export function ExtensionForm({ courseId, assignments, timeZone }: { courseId: string; assignments: { id: string; title: string }[]; timeZone: string }) {
  const s = useSubmit();
  const t = useTranslations("courseForms");
  return (
    <form className="form inline-form" data-testid="extension-form" onSubmit={(e) => {
      const f = fd(e);
      void s.run(`/api/courses/${courseId}/assignments/${f.get("assignment") as string}/extension`, "PUT", { email: f.get("email"), until: f.get("until") }, (d) => (d.until ? t("extended", { until: d.until as string }) : t("extensionRemoved")));
    }}>
      <label>{t("assignment")} <select name="assignment">{assignments.map((a) => <option key={a.id} value={a.id}>{a.title}</option>)}</select></label>
      <label>{t("learnerEmail")} <input name="email" type="email" required /></label>
      <label>{t("newDue", { zone: timeZone })} <input type="datetime-local" name="until" /></label>
      <button disabled={s.busy}>{t("grantExtension")}</button>
      <Status error={s.error} done={s.done} testid="extension" />
    </form>
  );
}

export function JoinButton({ token }: { token: string }) {
  const router = useRouter();
  const t = useTranslations("courseForms");
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button className="primary" data-testid="join" onClick={async () => {
        const r = await sendJson<{ courseId: string }>(`/api/join/${token}`, "POST", {});
        if (r.ok) router.push(`/courses/${r.data.courseId}`);
        else setError(r.error);
      }}>{t("joinCourse")}</button>
      {error && <p className="error" role="alert">{error}</p>}
    </>
  );
}

export function Section({ title, children, testid }: { title: string; children: ReactNode; testid?: string }) {
  return <section className="card" data-testid={testid}><h2>{title}</h2>{children}</section>;
}
