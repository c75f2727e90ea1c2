import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { headers } from "next/headers";
import { loadServer } from "../_lib/server-loader.ts";
import { requireUser } from "../_lib/session.ts";
import { TopBar } from "../_components/TopBar.tsx";
import { AdminUsers } from "./AdminUsers.tsx";
import "./admin.css";

export const dynamic = "force-dynamic";

/** The admin console (global admins): accounts (search, roles, disable, reset links) and every course with its staff. */
export default async function AdminPage({ searchParams }: { searchParams: Promise<{ q?: string; offset?: string }> }) {
  const user = await requireUser("/admin");
  if (user.role !== "admin") notFound();
  const { q = "", offset = "0" } = await searchParams;
  const be = await loadServer();
  const t = await getTranslations("admin");
  const tl = await getTranslations("ltiAdmin");
  const page = await be.admin.users(user, await headers(), q, Number(offset) || 0);
  const courses = be.admin.courses(user);
  return (
    <>
      <TopBar user={user} crumbs={[{ label: t("title") }]} />
      <main className="page admin">
        <h1>{t("title")}</h1>
        <p><a href="/admin/lti" data-testid="admin-lti-link">{tl("title")}</a></p>
        <section>
          <h2>{t("users.title")}</h2>
          <form className="admin-search" method="get" role="search">
            <input name="q" defaultValue={q} placeholder={t("users.searchPlaceholder")} aria-label={t("users.searchPlaceholder")} data-testid="admin-search" />
            <button type="submit">{t("users.search")}</button>
          </form>
          <p className="muted small" data-testid="admin-total">{t("users.total", { shown: page.users.length, total: page.total })}</p>
          <AdminUsers me={user.id} users={page.users} />
          {page.total > page.offset + page.pageSize && (
            <p><a href={`/admin?q=${encodeURIComponent(q)}&offset=${page.offset + page.pageSize}`}>{t("users.next")}</a></p>
          )}
        </section>
        <section>
          <h2>{t("courses.title")}</h2>
          {courses.length === 0 ? <p className="muted">{t("courses.none")}</p> : (
            <table className="admin-table" data-testid="admin-courses">
              <thead><tr><th>{t("courses.course")}</th><th>{t("courses.instructors")}</th><th>{t("courses.tas")}</th><th>{t("courses.learners")}</th></tr></thead>
              <tbody>
                {courses.map((c) => (
                  <tr key={c.id}>
                    <td><a href={`/courses/${c.id}`}>{c.title}</a>{c.archived && <span className="muted small"> ({t("courses.archived")})</span>}</td>
                    <td>{c.instructors.join(", ") || "–"}</td>
                    <td>{c.tas.join(", ") || "–"}</td>
                    <td>{c.learners}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </main>
    </>
  );
}
