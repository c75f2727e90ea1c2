"use client";
/**
 * The editor's draft: what it opens with (the newer of the server's draft and this browser's
 * journal, app/_components/draft-journal.ts), the journal written on every edit, the autosave
 * to the server (serialised, retried), a last save when the page is hidden or closed, and the
 * browser's "leave the page?" warning while the server lacks the latest edits.
 */
import { useCallback, useEffect, useRef, useState, type RefObject } from "react";
import { chooseStart, keepCopy, readEntry, readKept, writeEntry, type JournalEntry, type ServerDraft, type StartChoice } from "./draft-journal.ts";
import type { DraftOffer } from "./DraftBanner.tsx";

export type SaveState =
  | { kind: "saved" | "saving" | "unsaved" }
  /** The save failed for a reason a retry may fix (network, server error): kept in this browser. */
  | { kind: "failed"; reason: string }
  /** 401: the session ended; the journal keeps the edits until the learner signs in again. */
  | { kind: "signed-out" }
  /** Refused for good (too large): kept in this browser only. */
  | { kind: "refused"; reason: string };

/** The editor's setValue (Monaco), to put another copy in the editor. */
export interface EditorLike {
  setValue(value: string): void;
}

const AUTOSAVE_MS = 800;
const RETRY_MS = [2_000, 5_000, 15_000, 30_000, 60_000];
/** keepalive requests share a 64 KiB budget per page; larger drafts wait in the journal. */
const KEEPALIVE_MAX_BYTES = 60 * 1024;
const REVISION_HEADER = "x-draft-revision";

/** The "draft" messages (next-intl's useTranslations("draft")): the notices are in the page's language. */
export type DraftT = (key: string, values?: Record<string, string | number>) => string;

// In the browser's own locale and zone (the page's language picks the words, not the clock's format).
const clock = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

function labelOf(t: DraftT, source: StartChoice["source"]): string {
  return t(`labels.${source}`);
}

/** The name of a loaded attempt: the journal keeps its label ("#3"). */
function originLabel(t: DraftT, origin: string): string {
  return t("labels.attempt", { label: origin });
}

/** The notice for the opening choice, or null when the two copies agree. */
function offerFor(t: DraftT, choice: StartChoice, entry: JournalEntry | null, keptBefore: string | undefined): DraftOffer | null {
  if (choice.origin) {
    const before = keptBefore ?? choice.other?.code;
    if (before === undefined || before === choice.code) return null;
    const origin = originLabel(t, choice.origin);
    return { message: t("loaded", { origin }), other: before, otherLabel: t("labels.had"), currentLabel: origin, swapLabel: t("putBack", { label: t("labels.had") }) };
  }
  if (!choice.other) return null;
  const otherLabel = labelOf(t, choice.other.source);
  const currentLabel = labelOf(t, choice.source);
  const swapLabel = t("useInstead", { label: otherLabel });
  if (choice.source === "local") {
    const edited = entry ? t("lastEdited", { time: clock(entry.editedAt) }) : "";
    const message =
      choice.other.source === "server" && choice.why?.startsWith("Edited")
        ? t("localNewer", { edited, time: clock(choice.other.at ?? 0) })
        : t("restored", { edited });
    return { message, other: choice.other.code, otherLabel, currentLabel, swapLabel };
  }
  return { message: t("serverNewer", { time: clock(choice.other.at ?? 0) }), other: choice.other.code, otherLabel, currentLabel, swapLabel };
}

export function useDraft(opts: {
  t: DraftT;
  userId: string;
  exerciseId: string;
  starter: string;
  server: ServerDraft | null;
  editor: RefObject<EditorLike | null>;
  /** What the learner typed into the page's plain editor before it hydrated (null: nothing); read once, when the page opens. */
  typedEarly?: () => string | null;
}) {
  const { t, userId, exerciseId, starter, server, editor, typedEarly } = opts;
  const [ready, setReady] = useState(false);
  // Set in the same effect that sets `ready`: effects declared after this hook, in the same flush, see it at once (Workbench's plain editor: no gap for keystrokes to fall into).
  const readyNow = useRef(false);
  const initial = useRef<string>(server?.code ?? starter);
  const code = useRef<string>(initial.current);
  const entry = useRef<JournalEntry | null>(null);
  const [state, setState] = useState<SaveState>({ kind: "saved" });
  const [kept, setKept] = useState(true);
  const [offer, setOffer] = useState<DraftOffer | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const retries = useRef(0);
  const chain = useRef<Promise<void>>(Promise.resolve());
  const lastFlushed = useRef<string | null>(null);
  const url = `/api/drafts/${encodeURIComponent(exerciseId)}`;

  const record = useCallback(
    (next: JournalEntry) => {
      entry.current = next;
      setKept(writeEntry(userId, exerciseId, next));
    },
    [userId, exerciseId],
  );

  const saveRef = useRef<() => Promise<void>>(() => Promise.resolve());
  /** Show why the save failed; retry later when a retry may help. */
  const failed = useCallback((s: SaveState) => {
    setState(s);
    if (s.kind !== "failed") return;
    const wait = RETRY_MS[Math.min(retries.current++, RETRY_MS.length - 1)];
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void saveRef.current(), wait);
  }, []);

  /** One PUT of the latest text; the server's answer updates the journal. */
  const putLatest = useCallback(async () => {
    const value = code.current;
    if (entry.current?.saved && entry.current.code === value) return setState({ kind: "saved" });
    setState({ kind: "saving" });
    let res: Response;
    try {
      res = await fetch(url, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ code: value }), cache: "no-store" });
    } catch {
      return failed({ kind: "failed", reason: t("noConnection") });
    }
    if (res.ok) {
      retries.current = 0;
      const rev = Number(res.headers.get(REVISION_HEADER)) || null;
      const cur = entry.current;
      // A newer edit may have come in meanwhile: it is now based on this revision, still unsaved.
      if (cur) record({ ...cur, baseRev: rev ?? cur.baseRev, saved: cur.code === value });
      setState({ kind: cur?.code === value ? "saved" : "unsaved" });
      return;
    }
    if (res.status === 401) return failed({ kind: "signed-out" });
    const message = ((await res.json().catch(() => ({}))) as { error?: string }).error;
    if (res.status === 413 || res.status === 400) return failed({ kind: "refused", reason: message ?? t("serverAnswered", { status: res.status }) });
    return failed({ kind: "failed", reason: message ? t("serverAnsweredWith", { status: res.status, message }) : t("serverAnswered", { status: res.status }) });
  }, [url, record, failed, t]);

  const saveNow = useCallback((): Promise<void> => {
    clearTimeout(timer.current);
    chain.current = chain.current.then(putLatest, putLatest);
    return chain.current;
  }, [putLatest]);
  saveRef.current = saveNow;

  // Open with the newer copy; push a restored local copy to the server at once.
  useEffect(() => {
    const stored = readEntry(userId, exerciseId);
    const choice = chooseStart(server, stored, starter);
    const early = typedEarly?.() ?? null;
    if (early !== null && early !== choice.code) {
      // Typed over the page's text while it loaded: the latest edit stays in the editor; the copy
      // the journal would have opened with (when it differs from the page's text) is kept and offered.
      const pageText = server?.code ?? starter;
      initial.current = code.current = early;
      if (choice.code !== pageText) {
        keepCopy(userId, exerciseId, choice.code, "before text typed while the page loaded replaced it");
        const otherLabel = labelOf(t, choice.source);
        setOffer({ message: t("typedEarly", { other: otherLabel }), other: choice.code, otherLabel, currentLabel: t("labels.typed"), swapLabel: t("useInstead", { label: otherLabel }) });
      }
      record({ code: early, editedAt: Date.now(), baseRev: server?.rev ?? null, saved: false });
      setState({ kind: "unsaved" });
      void saveNow();
      readyNow.current = true;
      setReady(true);
      return;
    }
    const keptBefore = choice.origin ? readKept(userId, exerciseId).find((k) => k.reason === `before loading ${choice.origin}`)?.code : undefined;
    initial.current = code.current = choice.code;
    setOffer(offerFor(t, choice, stored, keptBefore));
    if (choice.source === "local") {
      // The copy not chosen stays restorable even after this page is gone.
      if (choice.other?.source === "server" && !choice.origin) keepCopy(userId, exerciseId, choice.other.code, "the server's draft, replaced by this browser's newer copy");
      record({ ...stored!, origin: undefined });
      setState({ kind: "unsaved" });
      void saveNow();
    } else {
      if (choice.other) keepCopy(userId, exerciseId, choice.other.code, "this browser's older copy, replaced by the server's newer draft");
      if (server || stored) record({ code: choice.code, editedAt: stored?.editedAt ?? Date.now(), baseRev: server?.rev ?? null, saved: server !== null });
    }
    readyNow.current = true;
    setReady(true);
    // Only once per page: later server props (router.refresh) must not replace the editor's text.
  }, [userId, exerciseId]);

  const onChange = useCallback(
    (value: string) => {
      code.current = value;
      record({ code: value, editedAt: Date.now(), baseRev: entry.current?.baseRev ?? server?.rev ?? null, saved: false });
      setState((s) => (s.kind === "signed-out" || s.kind === "refused" ? s : { kind: "unsaved" }));
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void saveNow(), AUTOSAVE_MS);
    },
    [record, saveNow, server?.rev],
  );

  /** Put `next` (the starter: "reset") in the editor, keeping the current text in the journal so it can be restored. */
  const replace = useCallback(
    (next: string, what: "reset") => {
      const prev = code.current;
      keepCopy(userId, exerciseId, prev, "before resetting to the starter code");
      editor.current?.setValue(next); // fires onChange: journal and autosave
      const prevLabel = t("labels.had");
      setOffer({ message: t(`${what}Done`), other: prev, otherLabel: prevLabel, currentLabel: t("labels.starter"), swapLabel: t("putBack", { label: prevLabel }) });
    },
    [userId, exerciseId, editor, t],
  );

  const swap = useCallback(() => {
    if (!offer) return;
    const prev = code.current;
    editor.current?.setValue(offer.other);
    keepCopy(userId, exerciseId, prev, "before switching to the other copy");
    setOffer({ message: t("switched", { other: offer.otherLabel, current: offer.currentLabel }), other: prev, otherLabel: offer.currentLabel, currentLabel: offer.otherLabel, swapLabel: t("useAgain", { label: offer.currentLabel }) });
  }, [offer, editor, userId, exerciseId, t]);

  // A last save when the page is hidden or closed (keepalive outlives the page); the journal already has it.
  useEffect(() => {
    const flush = () => {
      const e = entry.current;
      if (!e || e.saved || lastFlushed.current === e.code) return;
      const body = JSON.stringify({ code: e.code });
      if (new Blob([body]).size > KEEPALIVE_MAX_BYTES) return;
      clearTimeout(timer.current);
      lastFlushed.current = e.code;
      const value = e.code;
      fetch(url, { method: "PUT", headers: { "content-type": "application/json" }, body, keepalive: true, cache: "no-store" })
        .then((res) => {
          const cur = entry.current;
          if (res.ok && cur?.code === value) {
            record({ ...cur, saved: true, baseRev: Number(res.headers.get(REVISION_HEADER)) || cur.baseRev });
            setState({ kind: "saved" });
          } else if (res.status === 401) setState({ kind: "signed-out" });
        })
        .catch(() => {});
    };
    const onVisibility = () => {
      if (document.visibilityState === "hidden") flush();
      // Back on the page (perhaps after signing in in another tab): try again.
      else if (entry.current && !entry.current.saved) void saveNow();
    };
    const onBeforeUnload = (ev: BeforeUnloadEvent) => {
      if (!entry.current || entry.current.saved) return;
      ev.preventDefault();
      ev.returnValue = ""; // older browsers need a value to ask
    };
    document.addEventListener("visibilitychange", onVisibility);
    window.addEventListener("pagehide", flush);
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => {
      document.removeEventListener("visibilitychange", onVisibility);
      window.removeEventListener("pagehide", flush);
      window.removeEventListener("beforeunload", onBeforeUnload);
      clearTimeout(timer.current);
    };
  }, [url, record, saveNow]);

  return { ready, readyNow, initial, code, state, keptInBrowser: kept, offer, dismissOffer: () => setOffer(null), onChange, saveNow, replace, swap };
}
