import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { loadServer } from "./_lib/server-loader.ts";
import { requireUser } from "./_lib/session.ts";
import { TopBar } from "./_components/TopBar.tsx";
import { catalogueText } from "./_i18n/catalogue.ts";

export const dynamic = "force-dynamic";

const fmt = (x: number) => (Math.round(x * 100) / 100).toString();

export default async function Home() {
  const user = await requireUser("/");
  const be = await loadServer();
  const t = await getTranslations("home");
  const common = await getTranslations("common");
  const locale = await getLocale();
  const text = catalogueText(locale);
  const cat = await be.getCatalogue();
  const prog = be.progress(user.id);
  const courses = be.myCourses(user);
  // A learner enrolled in a course sees their courses' released assignments; the open catalogue
  // below is the demo course, for everyone else (and for staff, who browse every exercise).
  const coursesOnly = user.role === "learner" && courses.some((c) => c.role === "learner");
  const total = cat.exercises.reduce((s, e) => s + e.points, 0);
  const earned = cat.exercises.reduce((s, e) => s + Math.min(e.points, prog.get(e.id)?.best ?? 0), 0);
  return (
    <>
      <TopBar user={user} />
      <main className="page">
        {(courses.length > 0 || user.role !== "learner") && (
          <section className="card" data-testid="my-courses">
            <h2>{t("yourCourses")}</h2>
            {courses.length === 0 && <p className="muted">{t("noCourses")}</p>}
            <ul>
              {courses.map((c) => <li key={c.id}><Link href={`/courses/${c.id}`}>{c.title}</Link> <span className="muted small">{common(`courseRoles.${c.role}`)}</span></li>)}
            </ul>
            {user.role !== "learner" && <Link href="/courses">{t("manageCourses")}</Link>}
          </section>
        )}
        {!coursesOnly && <>
        <h1>{t("problemSets")}</h1>
        <p className="muted">{t("totalPoints", { earned: fmt(earned), total })}</p>
        {cat.sets.map((set) => {
          const setPts = set.exercises.reduce((s, e) => s + e.points, 0);
          const setEarned = set.exercises.reduce((s, e) => s + Math.min(e.points, prog.get(e.id)?.best ?? 0), 0);
          return (
            <section key={set.id} className="set card">
              <div className="set-head">
                <h2>{text.setTitle(set.id, set.title)}</h2>
                <span className="muted">{fmt(setEarned)} / {setPts}</span>
              </div>
              <div className="bar"><div style={{ width: `${setPts ? (100 * setEarned) / setPts : 0}%` }} /></div>
              <ul className="exercises">
                {set.exercises.map((ex) => {
                  const p = prog.get(ex.id);
                  const full = p && p.best >= ex.points;
                  return (
                    <li key={ex.id} data-testid={`exercise-${ex.id}`}>
                      <span className={`dot ${full ? "done" : p ? "tried" : ""}`} aria-hidden />
                      <div className="ex-main">
                        <Link href={`/exercises/${ex.id}`}>{be.localizedTitle(ex.meta.title, ex.files.statement, locale)}</Link>
                        <span className="muted small">{text.summary(ex.id, ex.meta.summary)}</span>
                      </div>
                      <span className="score" data-testid={`best-${ex.id}`}>
                        {p ? `${fmt(p.best)} / ${ex.points}` : `– / ${ex.points}`}
                      </span>
                      <span className="muted small attempts">{p ? t("attempts", { count: p.attempts }) : t("notStarted")}</span>
                    </li>
                  );
                })}
              </ul>
            </section>
          );
        })}
        </>}
        {cat.problems.length > 0 && user.role !== "learner" && (
          <section className="card warn">
            <h2>{t("didNotLoad")}</h2>
            <ul>{cat.problems.map((p, i) => <li key={i}><code>{p.file}</code>: {p.message}</li>)}</ul>
          </section>
        )}
      </main>
    </>
  );
}
