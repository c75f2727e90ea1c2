"use client";
/** Run `gradlab validate` for one exercise from its author page. */
import { useState } from "react";
import { useTranslations } from "next-intl";
import { sendJson } from "./api.ts";

interface Report { ok: boolean; problems: { file: string; message: string }[]; entries: { role: string; file: string; ok: boolean; score: number; maxScore: number; status: string; problem?: string; ms: number }[] }

export function ValidateButton({ exerciseId }: { exerciseId: string }) {
  const t = useTranslations("validate");
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <div data-testid="validate">
      <button className="accent" disabled={busy} data-testid="validate-run" onClick={async () => {
        setBusy(true);
        setError(null);
        const r = await sendJson<Report>(`/api/exercises/${exerciseId}/validate`, "POST", {});
        setBusy(false);
        if (r.ok) setReport(r.data);
        else setError(r.error);
      }}>{busy ? t("validating") : t("run")}</button>
      {error && <p className="error" role="alert">{error}</p>}
      {report && (
        <div data-testid="validate-report" data-ok={report.ok ? "1" : "0"}>
          <p className={report.ok ? "ok-msg" : "error"}>{report.ok ? t("valid") : t("failed")}</p>
          <table className="history">
            <tbody>
              {report.problems.map((p, i) => <tr key={`p${i}`}><td colSpan={4} className="error">{p.file}: {p.message}</td></tr>)}
              {report.entries.map((e, i) => (
                <tr key={i}>
                  <td>{e.ok ? "✓" : "✗"}</td><td>{e.role}</td><td><code>{e.file}</code></td><td>{e.score}/{e.maxScore} {e.status} · {Math.round(e.ms)} ms{e.problem ? <div className="error small">{e.problem}</div> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
