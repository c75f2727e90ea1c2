/**
 * The server side (app/_server) is loaded by Node's own module loader, not bundled by Next: it
 * holds the native SQLite driver, reads migrations and exercises from disk by path, and imports
 * exercise checks at run time. One instance per process.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Backend from "../_server/backend.ts";

export type { SessionUser, SubmissionView, ExerciseView } from "../_server/backend.ts";

// A dynamic import the bundler does not see (it must stay a runtime import of the .ts file).
const nativeImport = new Function("u", "return import(u)") as (url: string) => Promise<unknown>;

export function backend(): Promise<typeof Backend> {
  const g = globalThis as { __gradlabBackend?: Promise<typeof Backend> };
  g.__gradlabBackend ??= nativeImport(pathToFileURL(join(process.env.GRADLAB_ROOT ?? process.cwd(), "app", "_server", "backend.ts")).href) as Promise<typeof Backend>;
  return g.__gradlabBackend;
}

/** JSON error with the status in the status line. */
export function jsonError(status: number, error: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error }, { status, headers });
}
