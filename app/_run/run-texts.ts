/**
 * Run's own words (the browser's Run worker, app/_run/run-worker.ts): a stopped Run, a check it
 * cannot finish, and its notes under a check. Each carries a key ("run.<name>") and its values
 * like the grader's texts (lib/messages/text.ts), so the results panel shows it in the reader's
 * language: the translations are messages/<locale>/run.json, which the exercise page adds to the
 * panel's catalogue (runCatalog). English is here and in messages/en/run.json, which a test keeps equal.
 */
import type { LocalText, TextCatalog } from "../../lib/messages/text.ts";
import type { Messages } from "../../lib/i18n/locales.ts";

export const RUN_TEXTS = {
  stopped: "You stopped this Run.",
  stoppedRest: "You stopped this Run. The checks after that point did not run.",
  notRunStopped: "Not run: you stopped this Run.",
  needsReference: "Run cannot finish this check: for your values it needs the server's reference, which Run does not load.",
  diagnosisOnSubmit: "Submit to get a diagnosis of this mistake: naming it needs the server's reference, which Run does not load.",
  practice: "In Run this is scored on practice digits (public training images, not the graded ones): Submit for the graded accuracy.",
  internalError: "Internal error in the checks: {0}",
} as const;

export type RunTextName = keyof typeof RUN_TEXTS;

/** A Run text: its English and its key with values. */
export interface RunText {
  en: string;
  text: LocalText;
}

export function runText(name: RunTextName, ...params: string[]): RunText {
  const en = RUN_TEXTS[name].replace(/\{(\d+)\}/g, (whole, n: string) => params[Number(n)] ?? whole);
  return { en, text: { key: `run.${name}`, ...(params.length ? { params } : {}) } };
}

/** A test result from Run may carry notes under it (scored on practice digits, Submit for a diagnosis). */
export interface RunNotes {
  notes?: RunText[];
}

/** The panel's catalogue entries for Run's texts in a language: "run.<name>" → its template there. */
export function runCatalog(run: Messages | string | undefined): TextCatalog {
  if (!run || typeof run !== "object") return {};
  return Object.fromEntries(Object.entries(run).flatMap(([k, v]) => (typeof v === "string" ? [[`run.${k}`, v]] : [])));
}
