import { getTranslations } from "next-intl/server";
import { loadServer } from "../../../../../_lib/server-loader.ts";
import { orNotFound, requireUser } from "../../../../../_lib/session.ts";
import { TopBar } from "../../../../../_components/TopBar.tsx";
import type { Span } from "../../../../../../server/similarity/index.ts";
import "../../similarity.css";

export const dynamic = "force-dynamic";

/** The code as lines, with the characters inside shared fragments marked (fragment n in both files gets colour n). */
function Marked({ code, spans }: { code: string; spans: Span[] }) {
  const lines = code.split("\n");
  const colourAt = (row: number, col: number) => spans.findIndex((s) => (row > s.startRow || (row === s.startRow && col >= s.startCol)) && (row < s.endRow || (row === s.endRow && col < s.endCol)));
  return (
    <pre className="sim-code">
      {lines.map((line, row) => {
        const parts: { text: string; f: number }[] = [];
        for (let col = 0; col < line.length; col++) {
          const f = colourAt(row, col);
          if (parts.length && parts[parts.length - 1].f === f) parts[parts.length - 1].text += line[col];
          else parts.push({ text: line[col], f });
        }
        return (
          <div key={row} className="sim-line">
            <span className="sim-no">{row + 1}</span>
            {parts.map((p, i) => (p.f < 0 ? <span key={i}>{p.text}</span> : <mark key={i} className={`sim-f${p.f % 6}`} data-testid="shared">{p.text}</mark>))}
          </div>
        );
      })}
    </pre>
  );
}

/** Two learners' submissions side by side with what they share highlighted. */
export default async function SimilarityPairPage({ params }: { params: Promise<{ id: string; runId: string; pair: string }> }) {
  const { id, runId, pair } = await params;
  const user = await requireUser(`/courses/${id}/similarity/${runId}/${pair}`);
  const be = await loadServer();
  const p = await orNotFound(() => be.similarityPair(user, id, runId, Number(pair)));
  const t = await getTranslations("similarity");
  return (
    <>
      <TopBar user={user} crumbs={[{ href: `/courses/${id}/similarity`, label: t("title") }, { href: `/courses/${id}/similarity/${runId}`, label: t("pairs") }, { label: `${p.left.email} ↔ ${p.right.email}` }]} />
      <main className="page sim-page">
        <h1>{t("pairTitle", { similarity: Math.round(p.similarity * 100) })}</h1>
        <p className="muted">{t("pairIntro")}</p>
        <div className="sim-sides" data-testid="similarity-side-by-side">
          {[p.left, p.right].map((s) => (
            <section key={s.submissionId}>
              <h2 data-testid="side-email">{s.email}</h2>
              <p className="muted small">{t("submittedAt", { when: s.createdLocal })}</p>
              <Marked code={s.code} spans={s.spans} />
            </section>
          ))}
        </div>
      </main>
    </>
  );
}
