import { getTranslations } from "next-intl/server";
import { loadServer } from "../../../../_lib/server-loader.ts";
import { orNotFound, requireUser } from "../../../../_lib/session.ts";
import { TopBar } from "../../../../_components/TopBar.tsx";

export const dynamic = "force-dynamic";

/** One similarity check's pairs, most similar first. */
export default async function SimilarityRunPage({ params }: { params: Promise<{ id: string; runId: string }> }) {
  const { id, runId } = await params;
  const user = await requireUser(`/courses/${id}/similarity/${runId}`);
  const be = await loadServer();
  const run = await orNotFound(() => be.similarityRun(user, id, runId));
  const d = await be.courseDetail(user, id);
  const t = await getTranslations("similarity");
  return (
    <>
      <TopBar user={user} crumbs={[{ href: `/courses/${id}`, label: d.course.title }, { href: `/courses/${id}/similarity`, label: t("title") }, { label: run.exerciseId }]} />
      <main className="page">
        <h1>{t("pairsTitle", { exercise: run.exerciseId })}</h1>
        <p className="muted">{t("pairsIntro", { total: run.total })}</p>
        {run.pairs.length === 0 ? <p data-testid="no-pairs">{t("noPairs")}</p> : (
          <table className="admin-table" data-testid="similarity-pairs">
            <thead><tr><th>#</th><th>{t("learners")}</th><th>{t("similarity")}</th><th>{t("longest")}</th><th>{t("fragments")}</th></tr></thead>
            <tbody>
              {run.pairs.map((p) => (
                <tr key={p.index} data-testid="similarity-pair">
                  <td>{p.index + 1}</td>
                  <td><a href={`/courses/${id}/similarity/${runId}/${p.index}`}>{p.left} ↔ {p.right}</a></td>
                  <td data-testid="pair-similarity">{Math.round(p.similarity * 100)}%</td>
                  <td>{p.longest}</td>
                  <td>{p.fragments}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
    </>
  );
}
