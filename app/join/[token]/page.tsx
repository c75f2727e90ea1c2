import { getTranslations } from "next-intl/server";
import { loadServer } from "../../_lib/server-loader.ts";
import { requireUser } from "../../_lib/session.ts";
import { TopBar } from "../../_components/TopBar.tsx";
import { JoinButton } from "../../_components/course/CourseForms.tsx";

export const dynamic = "force-dynamic";

export default async function JoinPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const user = await requireUser(`/join/${token}`);
  const be = await loadServer();
  const c = be.courseByInvite(token);
  const t = await getTranslations("pages.join");
  return (
    <>
      <TopBar user={user} crumbs={[{ label: t("crumb") }]} />
      <main className="page">
        {c ? (
          <section className="card">
            <h1>{t("title", { title: c.title })}</h1>
            <p>{t("asLearner", { email: user.email })}</p>
            <JoinButton token={token} />
          </section>
        ) : (
          <p className="error">{t("invalid")}</p>
        )}
      </main>
    </>
  );
}
