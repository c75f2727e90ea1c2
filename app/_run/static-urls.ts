/**
 * Where the browser's public assets are: content-hashed names (app/_build/build-assets.ts), so
 * the server can let browsers keep them for a year without asking again (server/static-files.ts).
 * The build lists them in public/gradlab/manifest.json under `static`; the exercise page reads
 * them there (static-manifest.ts) and hands them to the workbench.
 */
export interface StaticUrls {
  /** Monaco's folder: editor.js, editor.css, its workers and font. */
  monaco: string;
  /** nd's declarations for the editor's IntelliSense. */
  ndTypes: string;
  /** tfjs-backend-wasm's .wasm files' folder. */
  tfjs: string;
  /** esbuild-wasm's binary (the Run worker's transpiler). */
  esbuildWasm: string;
  /** The Run worker, named by its content hash (served by the authenticated Run route, app/gradlab/run/). */
  runWorker: string;
}

/** Only this server's own asset paths are accepted (the Run worker takes two of them from its URL). */
export function isAssetPath(p: unknown): p is string {
  return typeof p === "string" && /^\/gradlab\/[A-Za-z0-9._/-]+$/.test(p) && !p.includes("..") && !p.includes("//");
}
