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
  return (
    <>
      <TopBar user={user} crumbs={[{ label: "Join a course" }]} />
      <main className="page">
        {c ? (
          <section className="card">
            <h1>Join “{c.title}”</h1>
            <p>You will join as a learner, signed in as {user.email}.</p>
            <JoinButton token={token} />
          </section>
        ) : (
          <p className="error">This invite link is not valid (any more): ask your instructor for a new one.</p>
        )}
      </main>
    </>
  );
}
