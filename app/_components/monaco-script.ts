/**
 * Monaco's bundle (public/gradlab/monaco.<hash>/editor.js, built from app/_build/monaco-entry.ts)
 * is a classic script, not an ES module: Chromium keeps V8's compiled code for a classic script
 * and uses it on the next visits (editor.js then evaluates in ~0.2 s instead of ~1.5-2 s), but it
 * never used the code cache it made for the module (measured in headless Chromium, session 6).
 * The workbench runs it with loadMonacoScript once Run is usable (not preloaded: see
 * app/exercises/[id]/EarlyRun.tsx), and the bundle leaves its exports on `window`.
 */
type Monaco = typeof import("monaco-editor");

/** Where the bundle puts its exports (read by the workbench, set by app/_build/monaco-entry.ts). */
export const MONACO_GLOBAL = "__gradlabMonaco";

export interface MonacoExports {
  monaco: Monaco;
  /** Lets Monaco start its web workers (TypeScript, editor): held back until the page calls it. */
  startWorkers(): void;
}

/** Why Monaco did not load, as a kind the page translates (the URL is only its detail). */
export class MonacoLoadError extends Error {
  readonly kind: "notBuilt" | "download" | "undefined";
  readonly url: string;
  constructor(kind: MonacoLoadError["kind"], url = "") {
    super(kind === "notBuilt" ? "the browser assets are not built (npm run build)" : kind === "download" ? `could not load ${url}` : `${url} ran but did not define the editor`);
    this.name = "MonacoLoadError";
    this.kind = kind;
    this.url = url;
  }
}

const exportsOf = () => (window as unknown as Record<string, MonacoExports | undefined>)[MONACO_GLOBAL];

/** Runs Monaco's bundle at `url` once and resolves with its exports. */
export function loadMonacoScript(url: string): Promise<MonacoExports> {
  const loaded = exportsOf();
  if (loaded) return Promise.resolve(loaded);
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.async = true;
    script.onload = () => {
      const mod = exportsOf();
      if (mod) resolve(mod);
      else reject(new MonacoLoadError("undefined", url));
    };
    script.onerror = () => reject(new MonacoLoadError("download", url));
    // Inserted by the page's own (nonced) script: the CSP's 'strict-dynamic' lets it run.
    document.head.appendChild(script);
  });
}
