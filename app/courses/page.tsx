import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { loadServer } from "../_lib/server-loader.ts";
import { requireUser } from "../_lib/session.ts";
import { TopBar } from "../_components/TopBar.tsx";
import { CreateCourseForm } from "../_components/course/CourseForms.tsx";
import { Invitations } from "./Invitations.tsx";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  return { title: (await getTranslations("common"))("courses") };
}

export default async function CoursesPage() {
  const user = await requireUser("/courses");
  const be = await loadServer();
  const list = be.myCourses(user);
  const invitations = be.myInvitations(user);
  const zones = Intl.supportedValuesOf("timeZone");
  const t = await getTranslations("courses");
  const common = await getTranslations("common");
  return (
    <>
      <TopBar user={user} crumbs={[{ label: common("courses") }]} />
      <main className="page">
        <h1>{common("courses")}</h1>
        {invitations.length > 0 && <Invitations invitations={invitations} />}
        {list.length === 0 && <p className="muted">{t("none")}</p>}
        <ul className="exercises" data-testid="courses">
          {list.map((c) => (
            <li key={c.id} style={{ gridTemplateColumns: "1fr 160px 90px" }}>
              <Link href={`/courses/${c.id}`}>{c.title}</Link>{c.archived && <span className="muted small" data-testid="archived-course">{t("archivedMark")}</span>}
              <span className="muted small">{c.timeZone}</span>
              <span className={`role role-${c.role}`} style={{ color: "#fff", textAlign: "center" }}>{common(`courseRoles.${c.role}`)}</span>
            </li>
          ))}
        </ul>
        {user.role !== "learner" && <CreateCourseForm zones={zones} defaultZone="UTC" />}
      </main>
    </>
  );
}
