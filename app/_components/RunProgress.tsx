"use client";
/** Run going on: a progress bar, the check running, a live loss curve from the learner's log, and Stop. */
import { useTranslations } from "next-intl";
import { LineChart } from "./Charts.tsx";
import { progressFraction, type RunProgressState } from "./run-progress.ts";
import "./run-progress.css";

export function RunProgress({ progress, onStop, stopping }: { progress: RunProgressState; onStop: () => void; stopping: boolean }) {
  const t = useTranslations("runProgress");
  const tc = useTranslations("charts");
  const pct = Math.round(100 * progressFraction(progress));
  return (
    <section className="run-progress" data-testid="run-progress" aria-live="polite">
      <div className="run-progress-head">
        <progress max={100} value={pct} aria-label={t("bar")} data-testid="run-progress-bar" />
        <span className="muted small">{t("checks", { done: progress.done, total: progress.total })}</span>
        <button className="ghost" onClick={onStop} disabled={stopping} data-testid="run-stop">
          {stopping ? t("stopping") : t("stop")}
        </button>
      </div>
      {progress.check && (
        <p className="small">
          {t("running")} <span data-i18n="check-name">{progress.check}</span>
          {progress.epoch ? ` · ${t("epoch", { at: progress.epoch.at, of: progress.epoch.of })}` : ""}
        </p>
      )}
      {progress.losses.length >= 2 ? (
        <div data-testid="live-loss">
          <LineChart title={t("liveLoss")} series={[{ name: tc("loss"), values: progress.losses, color: "#dc2626" }]} xLabel={t("logged")} />
        </div>
      ) : (
        <p className="muted small">{t("lossHint")}</p>
      )}
      {progress.lines.length > 0 && <pre className="stdout live" data-i18n="grader-message">{progress.lines.join("\n")}</pre>}
    </section>
  );
}
