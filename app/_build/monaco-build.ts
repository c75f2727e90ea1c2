/** How Monaco's bundle is built (build-assets.ts; tests/app/monaco-script.test.ts builds the same). */
import type { BuildOptions } from "esbuild";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

export const monacoBuildOptions = {
  entryPoints: { editor: join(ROOT, "app/_build/monaco-entry.ts") },
  bundle: true,
  // A classic script: V8's code cache is used for it on later visits, never for a module (app/_components/monaco-script.ts).
  format: "iife",
  platform: "browser",
  target: "es2022",
  minify: true,
  loader: { ".ttf": "file" },
  logLevel: "warning",
} satisfies BuildOptions;
