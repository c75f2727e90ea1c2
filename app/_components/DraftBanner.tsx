"use client";
/**
 * The notice above the editor when two copies of the learner's code differ (this browser's and
 * the server's, or the code before an action replaced it): which one is in the editor, the
 * differences on demand, and one click to take the other.
 */
import { useState } from "react";
import { useTranslations } from "next-intl";
import { CodeDiff } from "./CodeDiff.tsx";

export interface DraftOffer {
  /** What happened, as the learner reads it. */
  message: string;
  /** The copy not in the editor. */
  other: string;
  /** Names, e.g. "the server's draft", "this browser's copy". */
  otherLabel: string;
  currentLabel: string;
  /** The button that puts `other` in the editor. */
  swapLabel: string;
}

export function DraftBanner({ offer, current, onSwap, onDismiss }: { offer: DraftOffer; current: () => string; onSwap: () => void; onDismiss: () => void }) {
  const t = useTranslations("draft");
  const [showDiff, setShowDiff] = useState(false);
  return (
    <div className="draft-banner" role="status" data-testid="draft-banner">
      <div className="row">
        <span data-testid="draft-banner-message">{offer.message}</span>
        <span className="grow" />
        <button className="ghost" onClick={() => setShowDiff((s) => !s)} data-testid="draft-diff-toggle" aria-expanded={showDiff}>
          {showDiff ? t("hideDiff") : t("showDiff")}
        </button>
        <button className="ghost" onClick={onSwap} data-testid="draft-swap">
          {offer.swapLabel}
        </button>
        <button className="ghost" onClick={onDismiss} aria-label={t("dismissLabel")} title={t("dismiss")}>
          ×
        </button>
      </div>
      {showDiff && (
        <>
          <p className="muted small diff-legend">
            {t.rich("diffLegend", { other: offer.otherLabel, current: offer.currentLabel, b: (chunks) => <b>{chunks}</b> })}
          </p>
          <CodeDiff a={offer.other} b={current()} testId="draft-diff" context={3} />
        </>
      )}
    </div>
  );
}
