// Monaco, from the local monaco-editor package, with its web workers served from /gradlab/monaco/.
// @ts-ignore -- the package's ESM entry has no declarations of its own; the API is typed as "monaco-editor"
import * as monaco from "monaco-editor/editor/editor.main.js";

/**
 * The TypeScript worker (7 MB: diagnostics, completions) starts only once the page calls
 * startTypeScript(): Monaco would start it with the first TypeScript model, where it competes for
 * the CPU with the editor's first paint and the Run worker's start. Until then Monaco's requests
 * to it wait (Monaco accepts a promise of the worker).
 */
let startTs: () => void = () => {};
const tsAllowed = new Promise<void>((resolve) => (startTs = resolve));
export function startTypeScript(): void {
  startTs();
}

(self as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
  getWorker(_id: string, label: string): Worker | Promise<Worker> {
    if (label === "typescript" || label === "javascript") return tsAllowed.then(() => new Worker(new URL("ts.worker.js", import.meta.url), { name: label }));
    return new Worker(new URL("editor.worker.js", import.meta.url), { name: label });
  },
};

export { monaco };
