/**
 * The server side (server) is loaded by Node's own module loader, not bundled by Next: it
 * holds the native SQLite driver, reads migrations and exercises from disk by path, and imports
 * exercise checks at run time. One instance per process.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Backend from "../../server/index.ts";
import { readBodyCapped } from "../../server/http-guards.ts";
import { errorAnswer, readJsonBody, requestLocale, type ApiAnswer } from "../../server/api-answer.ts";
import type { Text } from "../../lib/i18n/server-text.ts";

// Bundled as they are (no database): the pure pieces of an API answer.
export { httpErrorOf, NOT_SIGNED_IN, NOT_SIGNED_IN_TEXT } from "../../server/api-answer.ts";

export type { SessionUser, SubmissionView, ExerciseView, CourseDetail, GradebookData, ExerciseAnalytics, HistoryEntry, AssignmentView, MemberView, CourseRole } from "../../server/index.ts";

// A dynamic import the bundler does not see (it must stay a runtime import of the .ts file).
const nativeImport = new Function("u", "return import(u)") as (url: string) => Promise<unknown>;

export function loadServer(): Promise<typeof Backend> {
  const g = globalThis as { __gradlabBackend?: Promise<typeof Backend> };
  g.__gradlabBackend ??= nativeImport(pathToFileURL(join(process.env.GRADLAB_ROOT ?? process.cwd(), "server", "index.ts")).href) as Promise<typeof Backend>;
  return g.__gradlabBackend;
}

/** An answer of the server's API pipeline (server/api-answer.ts) as a Web Response. */
export function responseOf(a: ApiAnswer | Response): Response {
  return a instanceof Response ? a : Response.json(a.body, { status: a.status, headers: a.headers });
}

/** JSON error (server/api-answer.ts errorAnswer) as a Web Response. */
export function jsonError(status: number, error: string | Text, headers: Record<string, string> = {}, locale = "en"): Response {
  return responseOf(errorAnswer(status, error, headers, locale));
}

const headerOf = (req: Request) => (name: string) => req.headers.get(name);

/** The language to answer a request in: the user's saved choice, else the cookie's, else Accept-Language, else English. */
export function requestLocaleOf(req: Request, saved: string | null = null): string {
  return requestLocale(headerOf(req), saved);
}

/** How the server's API pipeline reads a Web Request (Next's route handlers). */
function apiRequestOf(req: Request): Backend.ApiRequest {
  return { method: req.method, header: headerOf(req), pathname: new URL(req.url).pathname, headers: () => req.headers, readBody: (limit) => readBodyCapped(req, limit) };
}

/**
 * The checks every state-changing route makes before it acts (server/api-answer.ts readJsonBody:
 * cross-site 403, the route's body limit 413, not JSON 400). Returns the parsed body, or the error Response to send.
 */
export async function guardedJson(req: Request, invalid?: string | Text, locale = requestLocaleOf(req)): Promise<{ body: unknown } | { error: Response }> {
  const got = await readJsonBody(apiRequestOf(req), invalid, locale);
  return "error" in got ? { error: responseOf(got.error) } : got;
}

export interface ApiCall<P> {
  be: typeof Backend;
  user: Backend.SessionUser;
  /** The JSON body of a write (undefined for GET and HEAD). */
  body: unknown;
  params: P;
  req: Request;
  url: URL;
}

/**
 * Every API route handler, through the server's API pipeline (server/api-pipeline.ts): the
 * signed-in user (401 otherwise), for writes the cross-site check and the JSON body read up to the
 * route's limit, the route's params, and a thrown HttpError (server/context.ts) as its status with
 * {"error"}. The handler returns a Response, or a value sent as JSON (not cached).
 */
export function apiRoute<P extends Record<string, string> = Record<string, never>>(fn: (call: ApiCall<P>) => unknown, opts: Backend.ApiOptions = {}) {
  return async (req: Request, ctx: { params: Promise<P> }): Promise<Response> => {
    const be = await loadServer();
    const params = ((await ctx?.params) ?? {}) as P;
    return responseOf(await be.serveApi(apiRequestOf(req), ({ user, body }) => fn({ be, user, body, params, req, url: new URL(req.url) }), opts));
  };
}

/**
 * A route whose whole logic is on the server (server/submission-api.ts): the route file names it,
 * and Next answers exactly what the web server's direct path answers (server/submission-fast-path.ts).
 */
export function serverRoute(pick: (be: typeof Backend) => Backend.SubmissionRoute) {
  return async (req: Request, ctx: { params: Promise<{ id?: string }> }): Promise<Response> => {
    const be = await loadServer();
    const route = pick(be);
    const params = (await ctx?.params) ?? {};
    const query = new URL(req.url).searchParams;
    return responseOf(await be.serveApi(apiRequestOf(req), (call) => route.handle({ ...call, params, query, signal: req.signal }), route.options));
  };
}
