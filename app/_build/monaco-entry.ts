// Monaco, from the local monaco-editor package, with its web workers served beside this bundle.
// Built as a classic script (an IIFE), not an ES module: Chromium then keeps and reuses V8's
// compiled code for it on later visits (see app/_components/monaco-script.ts).
// @ts-ignore -- the package's ESM entry has no declarations of its own; the API is typed as "monaco-editor"
import * as monaco from "monaco-editor/editor/editor.main.js";
import { MONACO_GLOBAL, type MonacoExports } from "../_components/monaco-script.ts";

/** This bundle's folder: its workers are its neighbours (a classic script has no import.meta.url). */
const here = (document.currentScript as HTMLScriptElement | null)?.src ?? location.href;

/**
 * Monaco's workers start only once the page calls startWorkers(): the TypeScript worker (7 MB:
 * diagnostics, completions) would start with the first TypeScript model and the editor worker
 * (links, word completions; ~1 s to start) with the first edit or click, where either competes
 * for the CPU with the editor's first paint, the Run worker's start and the first Run. Until then
 * Monaco's requests to them wait (Monaco accepts a promise of the worker).
 */
let allow: () => void = () => {};
const workersAllowed = new Promise<void>((resolve) => (allow = resolve));

(self as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
  getWorker(_id: string, label: string): Promise<Worker> {
    const file = label === "typescript" || label === "javascript" ? "ts.worker.js" : "editor.worker.js";
    return workersAllowed.then(() => new Worker(new URL(file, here), { name: label }));
  },
};

const exported: MonacoExports = { monaco: monaco as MonacoExports["monaco"], startWorkers: () => allow() };
(window as unknown as Record<string, MonacoExports>)[MONACO_GLOBAL] = exported;
