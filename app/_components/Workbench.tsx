"use client";
/**
 * The editor side of an exercise page: the plain editor of the page's HTML (PlainEditor.tsx), then
 * Monaco (local package, nd IntelliSense) once Run is usable, the draft (a
 * journal in this browser and autosave to the server: use-draft.ts), Run (visible checks in a Web Worker, no server) and Submit (the API, polled until graded).
 */
import { useEffect, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import Editor, { loader, type OnMount } from "@monaco-editor/react";
import type { GradeResult } from "../../lib/result.ts";
import { runWorkerUrl, type Backend, type RunReply, type RunRequest } from "../_run/protocol.ts";
import type { StaticUrls } from "../_run/static-urls.ts";
import { takeEarlyRun } from "../_run/early-run.ts";
import { loadMonacoScript, MonacoLoadError } from "./monaco-script.ts";
import { runTimeoutMs } from "../_run/run-timeout.ts";
import { Results } from "./Results.tsx";
import { RunProgress } from "./RunProgress.tsx";
import { applyProgress, emptyProgress, type RunProgressState } from "./run-progress.ts";
import { DraftBanner } from "./DraftBanner.tsx";
import { CourseRules, SubmissionStanding } from "./CourseRules.tsx";
import type { ExerciseCourseRules } from "../../server/courses/index.ts";
import { useDraft, type EditorLike, type SaveState } from "./use-draft.ts";
import { carryIntoMonaco, EDITOR_FONT, indentOnTab, PlainEditor, plainTextarea } from "./PlainEditor.tsx";
import { waitForVerdict } from "./wait-for-verdict.ts";
import { useMoment } from "../_i18n/moment.ts";
import "./draft.css";

type Monaco = typeof import("monaco-editor");

interface Props {
  exercise: { id: string; starter: string; exports: string[]; points: number; timeoutMs: number };
  /** The signed-in user's id: this browser's journal is kept per user and exercise. */
  userId: string;
  /** The server's draft and its revision. */
  draft: { code: string; rev: number } | null;
  best: { best: number; attempts: number } | null;
  run: { run: boolean; reason?: string; driver: boolean };
  /** The rules of the learner's courses that set this exercise (none outside a course), and the server's clock. */
  rules: ExerciseCourseRules[];
  serverNow: number;
  /** The build's content-hashed asset URLs (null: the browser assets are not built). */
  assets: StaticUrls | null;
}

// Loaded at run time from public/gradlab (built from node_modules/monaco-editor): never a CDN.
// Hashed names: the browser keeps them and never asks again (server/static-files.ts).
let monacoReady: Promise<Monaco> | undefined;
/** Lets Monaco start its web workers (held back until the editor shows and Run is ready: app/_build/monaco-entry.ts). */
let startWorkers = () => {};
/** Run's start, when it does not settle, holds Monaco's workers back no longer than this after the editor loads. */
const WORKERS_WAIT_MAX_MS = 5_000;
/** Once Run is ready, Monaco's workers wait this long for a first Run before it starts anyway. */
const WORKERS_AFTER_READY_MS = 3_000;
/** Monaco loads this long after Run is usable, unless a Run started meanwhile: then after its result. */
const MONACO_AFTER_READY_MS = 1_000;
/** When Run's start does not settle, Monaco loads no later than this after hydration. */
const MONACO_WAIT_MAX_MS = 4_000;
/** Monaco loads no later than this after hydration, whatever Run does. */
const MONACO_LATEST_MS = 10_000;
function loadMonaco(assets: StaticUrls | null): Promise<Monaco> {
  monacoReady ??= (async () => {
    if (!assets) throw new MonacoLoadError("notBuilt");
    if (!document.querySelector('link[data-monaco-css]')) {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = `${assets.monaco}editor.css`;
      link.dataset.monacoCss = "";
      document.head.appendChild(link);
    }
    const url = `${assets.monaco}editor.js`;
    // nd's declarations download while the editor's code loads.
    const typesReady = fetch(assets.ndTypes).then((r) => r.json() as Promise<Record<string, string>>);
    typesReady.catch(() => {});
    const mod = await loadMonacoScript(url);
    const monaco = mod.monaco;
    startWorkers = mod.startWorkers;
    const ts = monaco.typescript;
    ts.typescriptDefaults.setCompilerOptions({
      target: ts.ScriptTarget.ES2020,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.NodeJs,
      strict: true,
      noEmit: true,
      allowNonTsExtensions: true,
      lib: ["es2022"],
    });
    for (const [path, content] of Object.entries(await typesReady)) ts.typescriptDefaults.addExtraLib(content, path);
    loader.config({ monaco });
    return monaco;
  })();
  return monacoReady;
}

const fmt = (x: number) => (Math.round(x * 100) / 100).toString();

type Shown = { kind: "run"; result: GradeResult; ms: number; backend: Backend } | { kind: "submit"; result: GradeResult; ms: number; id: string };

type T = ReturnType<typeof useTranslations<"workbench">>;

/** The save status beside the buttons. */
function saveText(t: T, s: SaveState, keptInBrowser: boolean): string {
  const kept = keptInBrowser ? t("save.kept") : t("save.notKept");
  switch (s.kind) {
    case "saved":
      return t("save.saved");
    case "saving":
      return t("save.saving");
    case "unsaved":
      return t("save.editing");
    case "failed":
      return t("save.failed", { reason: s.reason, kept });
    case "refused":
      return t("save.refused", { reason: s.reason, kept });
    case "signed-out":
      return t("save.signedOut", { kept });
  }
}

export function Workbench({ exercise, userId, draft, best, run, rules, serverNow, assets }: Props) {
  const router = useRouter();
  const t = useTranslations("workbench");
  const [monaco, setMonaco] = useState<Monaco | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  // The plain editor's box (its textarea is the page's HTML), until Monaco has mounted.
  const plainRef = useRef<HTMLDivElement | null>(null);
  const [monacoMounted, setMonacoMounted] = useState(false);
  // The text in the page's HTML (the server's draft or the starter), as the server rendered it.
  const [pageText] = useState(() => draft?.code ?? exercise.starter);
  const sectionRef = useRef<HTMLElement | null>(null);
  // What swaps and resets write into: the plain editor, then Monaco.
  const draftEditor = useRef<EditorLike | null>(null);
  const journal = useDraft({
    t: useTranslations("draft"),
    userId,
    exerciseId: exercise.id,
    starter: exercise.starter,
    server: draft,
    editor: draftEditor,
    typedEarly: () => {
      const typed = plainTextarea(plainRef.current)?.value;
      return typed !== undefined && typed !== pageText ? typed : null;
    },
  });
  const { code } = journal;

  const [backend, setBackend] = useState<Backend | null>(null);
  // Why the backend asked for with ?backend= is not the one in use.
  const [fallback, setFallback] = useState<{ requested: Backend; why: string } | null>(null);
  const worker = useRef<Worker | null>(null);
  const runId = useRef(0);
  const [busy, setBusy] = useState<null | "run" | "submit">(null);
  const [status, setStatus] = useState<string>("");
  const [shown, setShown] = useState<Shown | null>(null);
  const [progress, setProgress] = useState<RunProgressState | null>(null);
  const [stopping, setStopping] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A Submit answered 401: the session ended (the draft stays in this browser's journal).
  const [sessionEnded, setSessionEnded] = useState(false);
  // Exam mode: the server withholds the result until this time (ms).
  const [withheld, setWithheld] = useState<number | null>(null);
  const tExam = useTranslations("exam");
  const moment = useMoment();

  // Hydrated (the bench's probe and the tests read this).
  useEffect(() => {
    if (sectionRef.current) sectionRef.current.dataset.hydrated = "";
  }, []);

  // The plain editor shows the journal's choice and feeds every edit into the journal and autosave.
  const { ready: draftReady, readyNow: draftReadyNow, onChange: journalChange } = journal;
  useEffect(() => {
    const area = plainTextarea(plainRef.current);
    // On mount this runs in the same flush as the journal's start (which read what was typed so far),
    // not one render later: a keystroke in between would have been overwritten by the line below.
    if (!area || !(draftReady || draftReadyNow.current)) return;
    if (area.value !== code.current) area.value = code.current;
    draftEditor.current = {
      setValue: (value) => {
        area.value = value;
        journalChange(value);
      },
    };
    const onInput = () => journalChange(area.value);
    area.addEventListener("input", onInput);
    area.addEventListener("keydown", indentOnTab);
    return () => {
      area.removeEventListener("input", onInput);
      area.removeEventListener("keydown", indentOnTab);
    };
  }, [draftReady, journalChange, monacoMounted]);

  // Diagnostics and completions once the editor is up and Run is ready (or failed, or unavailable),
  // and not while the first Run works: Monaco's workers' start (the TypeScript worker parses ~7 MB
  // and checks the code, the editor worker takes ~1 s) would otherwise compete with that Run on the
  // same cores. They start after the first Run's result, or WORKERS_AFTER_READY_MS after Run is ready
  // when the learner has not run, when the page is idle.
  const runSettled = !run.run || backend !== null || error !== null;
  const firstRunDone = !run.run || shown !== null || error !== null;
  const running = busy === "run";

  // Monaco loads after Run is usable (or failed, or unavailable), when the page is idle: after the
  // first Run's result, or MONACO_AFTER_READY_MS after Run is usable when the learner has not run.
  // Its bundle's evaluation and the editor's creation (~1-2 s of main thread on a second visit)
  // would otherwise hold up the Run worker's "ready" and a first Run on the same cores (measured:
  // bench/results/issue-12-open.md, session 7); the learner reads and types in the plain editor meanwhile.
  const [monacoWanted, setMonacoWanted] = useState(false);
  useEffect(() => {
    if (monacoWanted) return;
    let cancelled = false;
    const want = () => void (cancelled || setMonacoWanted(true));
    const whenIdle = () => void (typeof requestIdleCallback === "function" ? requestIdleCallback(want, { timeout: 500 }) : setTimeout(want, 0));
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (runSettled && firstRunDone) whenIdle();
    else if (!running) timer = setTimeout(whenIdle, runSettled ? MONACO_AFTER_READY_MS : MONACO_WAIT_MAX_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [monacoWanted, runSettled, firstRunDone, running]);
  // A long first Run (a training exercise) does not keep Monaco away for its whole length.
  useEffect(() => {
    const timer = setTimeout(() => setMonacoWanted(true), MONACO_LATEST_MS);
    return () => clearTimeout(timer);
  }, []);
  useEffect(() => {
    if (monacoWanted) loadMonaco(assets).then(setMonaco, (e) =>
        // Said in the reader's language: the kind of failure, with the file as its detail.
        setLoadError(e instanceof MonacoLoadError ? t(`editorLoad.${e.kind}`, { url: e.url }) : t("editorLoad.other", { message: e instanceof Error ? e.message : String(e) })),
      );
  }, [monacoWanted, assets]);
  useEffect(() => {
    if (!monaco || running) return;
    const idle = (f: () => void) => (typeof requestIdleCallback === "function" ? requestIdleCallback(f, { timeout: 1000 }) : setTimeout(f, 0));
    if (runSettled && firstRunDone) {
      idle(() => startWorkers());
      return;
    }
    const timer = setTimeout(() => idle(() => startWorkers()), runSettled ? WORKERS_AFTER_READY_MS : WORKERS_WAIT_MAX_MS);
    return () => clearTimeout(timer);
  }, [monaco, runSettled, firstRunDone, running]);

  useEffect(() => {
    if (!run.run) return;
    const url = runWorkerUrl(window.location.search, assets);
    // The page's inline script may have started this very worker (and its "prepare") before hydration.
    const early = takeEarlyRun(url);
    const w = early?.worker ?? new Worker(url, { type: "module", name: "gradlab-run" });
    worker.current = w;
    let warmed = false;
    const onReady = (m: Extract<RunReply, { type: "ready" }>) => {
      // The code is on screen (the plain editor): the Run worker may now warm its transpiler up
      // (run-worker.ts), so the first Run does not pay for esbuild's first transform.
      if (!warmed) w.postMessage({ type: "warm", code: code.current } satisfies RunRequest);
      warmed = true;
      setBackend(m.backend);
      setFallback(m.requested && m.unavailable ? { requested: m.requested, why: m.unavailable } : null);
    };
    w.addEventListener("message", (ev: MessageEvent<RunReply>) => {
      if (ev.data.type === "ready") onReady(ev.data);
    });
    w.addEventListener("error", (ev) => setError(t("workerFailed", { message: ev.message })));
    if (early) {
      if (early.ready) onReady(early.ready);
      if (early.error) setError(t("workerFailed", { message: early.error }));
    } else {
      // Fetch the checks and start a sandbox now, so the first Run pays for neither.
      const prepare: RunRequest = { type: "prepare", exerciseId: exercise.id, timeoutMs: runTimeoutMs(exercise.timeoutMs), hasDriver: run.driver };
      w.postMessage(prepare);
    }
    return () => w.terminate();
  }, [run.run, run.driver, exercise.id, exercise.timeoutMs, assets?.runWorker]);

  // Monaco taking the plain editor's text is no edit.
  const onChange = (value: string | undefined) => {
    if ((value ?? "") !== code.current) journal.onChange(value ?? "");
  };

  const doRun = () => {
    const w = worker.current;
    if (!w) return;
    const id = ++runId.current;
    setBusy("run");
    setError(null);
    setStatus(t("running"));
    setProgress(emptyProgress());
    setStopping(false);
    const t0 = performance.now();
    const onMsg = (ev: MessageEvent<RunReply>) => {
      const m = ev.data;
      if (m.type === "ready" || m.runId !== id) return;
      if (m.type === "progress") return setProgress((p) => applyProgress(p ?? emptyProgress(), m));
      w.removeEventListener("message", onMsg);
      setBusy(null);
      setStatus("");
      setProgress(null);
      if (m.type === "failed") setError(t("runFailed", { message: m.message }));
      else setShown({ kind: "run", result: m.result, ms: Math.round(performance.now() - t0), backend: m.result.backend });
    };
    w.addEventListener("message", onMsg);
    const req: RunRequest = { type: "run", runId: id, exerciseId: exercise.id, code: code.current, timeoutMs: runTimeoutMs(exercise.timeoutMs), hasDriver: run.driver };
    w.postMessage(req);
  };

  const doSubmit = async () => {
    setBusy("submit");
    setError(null);
    setStatus(t("submitting"));
    const t0 = performance.now();
    try {
      void journal.saveNow();
      const res = await fetch("/api/submissions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ exerciseId: exercise.id, code: code.current }) });
      const body = (await res.json().catch(() => ({}))) as { id?: string; error?: string };
      // A refused Submit leaves no result of an earlier attempt on screen as if it were this one's.
      if (res.status !== 202) setShown(null);
      if (res.status === 401) {
        setSessionEnded(true);
        return;
      }
      setSessionEnded(false);
      if (res.status !== 202 || !body.id) throw new Error(body.error ?? t("serverAnswered", { status: res.status }));
      // A long poll (wait-for-verdict.ts): the server answers when the status changes.
      const s = await waitForVerdict(body.id, { onStatus: (st) => setStatus(st === "running" ? t("grading") : t("queued")), serverAnswered: (status) => t("serverAnswered", { status }) });
      if (s.feedbackAt) {
        setShown(null);
        setWithheld(s.feedbackAt);
      } else if (s.result) {
        setShown({ kind: "submit", result: s.result, ms: Math.round(performance.now() - t0), id: body.id });
      }
      router.refresh();
    } catch (e) {
      setError(t("submitFailed", { message: (e as Error).message }));
    } finally {
      setBusy(null);
      setStatus("");
    }
  };

  // Ctrl/Cmd+Enter runs, Ctrl/Cmd+Shift+Enter submits: as editor actions while Monaco has focus
  // (its own bindings for these keys insert a line), and on the page elsewhere. Both read this ref,
  // so they always act with the current state.
  const shortcuts = useRef({ run: () => {}, submit: () => {} });
  shortcuts.current = {
    run: () => {
      if (!busy && run.run && backend) doRun();
    },
    submit: () => {
      if (!busy) void doSubmit();
    },
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.key !== "Enter" || e.defaultPrevented) return;
      e.preventDefault();
      if (e.shiftKey) shortcuts.current.submit();
      else shortcuts.current.run();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const onMount: OnMount = (ed, m) => {
    // The plain editor's latest text (typed while Monaco was being created), caret and scroll.
    if (ed.getValue() !== code.current) ed.setValue(code.current);
    const area = plainTextarea(plainRef.current);
    if (area) carryIntoMonaco(area, ed);
    draftEditor.current = ed;
    setMonacoMounted(true);
    (window as unknown as { __gradlabEditor?: unknown }).__gradlabEditor = ed;
    ed.addAction({ id: "gradlab.run", label: t("runAction"), keybindings: [m.KeyMod.CtrlCmd | m.KeyCode.Enter], run: () => shortcuts.current.run() });
    ed.addAction({ id: "gradlab.submit", label: t("submitAction"), keybindings: [m.KeyMod.CtrlCmd | m.KeyMod.Shift | m.KeyCode.Enter], run: () => shortcuts.current.submit() });
  };

  return (
    <section className="workbench" ref={sectionRef}>
      <CourseRules rules={rules} serverNow={serverNow} />
      <div className="toolbar">
        <button className="primary" onClick={doRun} disabled={!run.run || !!busy || !backend} data-testid="run" title={run.run ? t("runTitle") : t("runUnavailableTitle")}>
          {busy === "run" ? t("runBusy") : t("run")}
        </button>
        <button className="accent" onClick={doSubmit} disabled={!!busy} data-testid="submit" title={t("submitTitle")}>
          {busy === "submit" ? t("submitBusy") : t("submit")}
        </button>
        <button
          className="ghost"
          disabled={!!busy}
          onClick={() => {
            if (!confirm(t("resetConfirm"))) return;
            journal.replace(exercise.starter, "reset");
          }}
        >
          {t("reset")}
        </button>
        <span className="grow" />
        <span className="muted small" data-testid="backend" data-backend={backend ?? undefined} title={fallback ? t("runFallback", { requested: fallback.requested, why: fallback.why }) : undefined}>
          {run.run ? (backend ? t("runOn", { backend }) : t("loadingRun")) : ""}
          {fallback && <span data-testid="backend-fallback"> {t("runFallbackShort", { requested: fallback.requested })}</span>}
        </span>
        <span className={`muted small save-${journal.state.kind}`} data-testid="saved">{saveText(t, journal.state, journal.keptInBrowser)}</span>
        {rules.length === 0 ? (
          <span className="best" data-testid="best">{t("best", { score: best ? fmt(best.best) : "–", points: exercise.points })}</span>
        ) : rules.length === 1 ? (
          // In a course, what counts is the course's recorded grade (the panel above says how), not the best attempt anywhere.
          <span className="best" data-testid="best" title={t("recordedIn", { course: rules[0].courseTitle })}>{t("grade", { score: rules[0].recorded === null ? "–" : fmt(rules[0].recorded), points: rules[0].points })}</span>
        ) : null}
      </div>
      {!run.run && (
        <p className="notice" data-testid="run-unavailable">
          {t("runUnavailable")}{run.reason ? <span className="muted small"> ({run.reason})</span> : null}
        </p>
      )}
      {journal.state.kind === "signed-out" && (
        <p className="draft-alert" role="alert" data-testid="signed-out">
          {t.rich("signedOut", { link: (chunks) => <a href={`/sign-in?next=${encodeURIComponent(`/exercises/${exercise.id}`)}`} data-testid="sign-in-again">{chunks}</a> })}
        </p>
      )}
      {journal.offer && <DraftBanner offer={journal.offer} current={() => code.current} onSwap={journal.swap} onDismiss={journal.dismissOffer} />}
      <div className="editor" data-testid="editor" data-editor={monacoMounted ? "monaco" : "plain"}>
        {monaco && journal.ready && !loadError && (
          <Editor
            height="100%"
            path={`file:///${exercise.id}/solution.ts`}
            defaultLanguage="typescript"
            defaultValue={code.current}
            onChange={onChange}
            onMount={onMount}
            loading={null}
            options={{ minimap: { enabled: false }, ...EDITOR_FONT, scrollBeyondLastLine: false, tabSize: 2, automaticLayout: true, fixedOverflowWidgets: true }}
          />
        )}
        {/* Above Monaco until it has mounted (it is created beneath, then takes the text); stays if Monaco fails. */}
        {!monacoMounted && <PlainEditor ref={plainRef} text={pageText} label={t("plainEditorLabel")} note={loadError ? t("editorFailed", { error: loadError }) : t("loadingEditor")} failed={!!loadError} />}
      </div>
      {status && <p className="status" data-testid="status">{status}</p>}
      {busy === "run" && progress && (
        <RunProgress
          progress={progress}
          stopping={stopping}
          onStop={() => {
            setStopping(true);
            worker.current?.postMessage({ type: "stop", runId: runId.current } satisfies RunRequest);
          }}
        />
      )}
      {error && <p className="error" role="alert">{error}</p>}
      {sessionEnded && (
        <p className="draft-alert" role="alert" data-testid="session-ended">
          {t.rich("sessionEnded", { link: (chunks) => <a href={`/sign-in?next=${encodeURIComponent(`/exercises/${exercise.id}`)}`}>{chunks}</a> })}
        </p>
      )}
      {withheld && !shown && <p className="notice" data-testid="exam-submitted">{tExam("submitted", { when: moment(withheld, (rules.find((r) => r.exam.feedbackAt === withheld) ?? rules[0])?.timeZone) })}</p>}
      {shown?.kind === "submit" && <SubmissionStanding rules={rules} submissionId={shown.id} />}
      {shown && (
        <Results
          result={shown.result}
          title={shown.kind === "run" ? t("runResultTitle") : t("submitResultTitle")}
          footer={shown.kind === "run" ? t("runResultFooter", { backend: shown.backend, ms: shown.ms }) : t("submitResultFooter", { ms: shown.ms })}
        />
      )}
    </section>
  );
}
