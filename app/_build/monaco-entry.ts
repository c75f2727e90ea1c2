// Monaco, from the local monaco-editor package, with its web workers served from /gradlab/monaco/.
// @ts-ignore -- the package's ESM entry has no declarations of its own; the API is typed as "monaco-editor"
import * as monaco from "monaco-editor/editor/editor.main.js";

(self as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
  getWorker(_id: string, label: string) {
    const file = label === "typescript" || label === "javascript" ? "ts.worker.js" : "editor.worker.js";
    return new Worker(new URL(file, import.meta.url), { name: label });
  },
};

export { monaco };
