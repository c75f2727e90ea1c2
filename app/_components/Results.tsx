"use client";
import { useTranslations } from "next-intl";
import { outputParts, type GradeResult, type TestResult } from "../../lib/result.ts";
import { Heatmap, LineChart } from "./Charts.tsx";
import { useCheckName, useGraderText } from "./GraderTexts.tsx";
import type { RunNotes } from "../_run/run-texts.ts";

const PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#9333ea"];
const fmt = (x: number) => (Math.round(x * 100) / 100).toString();

function Pictures({ data }: { data: Record<string, unknown> }) {
  const tc = useTranslations("charts");
  const out = [];
  const hm = data.heatmap as { label?: string; rows?: number; cols?: number; values?: number[]; shape?: number[] } | undefined;
  if (hm && Array.isArray(hm.values) && typeof hm.rows === "number" && typeof hm.cols === "number") {
    out.push(<Heatmap key="hm" label={hm.label ?? tc("value")} rows={hm.rows} cols={hm.cols} values={hm.values} shape={Array.isArray(hm.shape) ? hm.shape : undefined} />);
  }
  const curves = data.curves as { loss?: number[]; accuracy?: number[] } | undefined;
  if (curves) {
    if (Array.isArray(curves.loss) && curves.loss.length) out.push(<LineChart key="loss" title={tc("loss")} series={[{ name: tc("loss"), values: curves.loss, color: PALETTE[1] }]} />);
    if (Array.isArray(curves.accuracy) && curves.accuracy.length) out.push(<LineChart key="acc" title={tc("accuracy")} series={[{ name: tc("accuracy"), values: curves.accuracy, color: PALETTE[2] }]} />);
  }
  const tr = data.trajectory as { xLabel?: string; x?: number[]; labels?: string[]; expected?: number[][]; got?: number[][] } | undefined;
  if (tr && Array.isArray(tr.expected) && Array.isArray(tr.got)) {
    tr.expected.forEach((exp, i) => {
      const name = tr.labels?.[i] ?? tc("series", { i });
      out.push(
        <LineChart
          key={`tr${i}`}
          title={name}
          x={tr.x}
          xLabel={tr.xLabel}
          series={[
            { name: tc("expected"), values: exp, color: "#64748b", dashed: true },
            { name: tc("yours"), values: tr.got?.[i] ?? [], color: PALETTE[i % PALETTE.length] },
          ]}
        />,
      );
    });
  }
  return out.length ? <div className="pictures">{out}</div> : null;
}

/** `above`: the result's own message; a check whose output only repeats it (a compile error, a module that threw) says "see above" instead. */
function TestRow({ t, above }: { t: TestResult & RunNotes; above?: string }) {
  const tr = useTranslations("results");
  const say = useGraderText();
  const sayName = useCheckName();
  const repeats = !!above && t.status !== "passed" && t.output.trim() === above.trim();
  const parts: { message: string; kind?: string; hint?: string } = repeats ? { message: "" } : outputParts(t);
  // The grader's words in the reader's language where the result carries their keys, else its English.
  const message = parts.message && say(t.text?.message, parts.message);
  const kind = parts.kind && say(t.text?.case, parts.kind);
  const hint = parts.hint && say(t.text?.hint, parts.hint);
  return (
    <li className={`test ${t.status}`} data-testid="test" data-status={t.status}>
      <div className="test-head">
        <span className="icon" aria-label={tr(`testStatus.${t.status}`)}>{t.status === "passed" ? "✓" : "✗"}</span>
        <span className="test-name" data-i18n="check-name">{sayName(t.name)}</span>
        <span className={`vis vis-${t.visibility}`}>{tr(`visibility.${t.visibility}`)}</span>
        <span className="pts">{fmt(t.score)} / {fmt(t.maxScore)}</span>
      </div>
      {/* The grader's words: in the reader's language where a text exists, else English; marked for the i18n scan. */}
      {repeats && <p className="muted small" data-testid="see-above">{tr("notRunSeeAbove")}</p>}
      {message && <pre className="msg" data-i18n="grader-message">{message}</pre>}
      {kind && <p className="case"><b>{tr("case")}</b> <span data-i18n="grader-message">{kind}</span></p>}
      {hint && <p className="hint"><b>{tr("hint")}</b> <span data-i18n="grader-message">{hint}</span></p>}
      {t.notes?.map((n) => <p key={n.text.key} className="muted small run-note" data-testid="run-note" data-i18n="grader-message">{say(n.text, n.en)}</p>)}
      {t.data && <Pictures data={t.data} />}
    </li>
  );
}

export function Results({ result, title, footer }: { result: GradeResult; title: string; footer?: string }) {
  const tr = useTranslations("results");
  const say = useGraderText();
  return (
    <section className={`results status-${result.status}`} data-testid="results" data-status={result.status} data-score={result.score} data-max={result.maxScore}>
      <div className="results-head">
        <h3>{title}</h3>
        <span className="big-score" data-testid="score">{fmt(result.score)} / {fmt(result.maxScore)}</span>
        <span className={`badge badge-${result.status}`}>{tr(`status.${result.status}`)}</span>
      </div>
      {footer && <p className="muted small">{footer}</p>}
      {result.message && <pre className="msg top" data-i18n="grader-message">{say(result.messageText, result.message)}</pre>}
      <ul className="tests">{result.tests.map((t) => <TestRow key={t.name} t={t} above={result.message} />)}</ul>
      {result.stdout && (
        <details open className="stdout">
          <summary>{tr("console")}</summary>
          <pre data-testid="stdout">{result.stdout}</pre>
        </details>
      )}
    </section>
  );
}
