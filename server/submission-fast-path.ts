/**
 * The web server's direct answer to the three submission routes every verdict goes through
 * (a POST and about two long polls a verdict), without Next's router, its route runtime and the
 * Web Request/Response objects it builds (issue 19: ~26% of the web server's CPU a verdict). Same
 * logic as Next's route files, which delegate to the same code (submission-api.ts through
 * api-pipeline.ts); only the reading of the request and the writing of the answer differ.
 * It runs behind guardRequests (request-guard.ts) like everything else: body limits, the
 * cross-site check and security headers have been applied before it sees the request.
 *
 * Anything it does not recognise exactly (another method, an id with characters an id never has,
 * a trailing slash) is left to Next, which answers as before.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiAnswer } from "./api-answer.ts";
import { serveApi, type ApiRequest } from "./api-pipeline.ts";
import { BodyTooLargeError } from "./http-guards.ts";
import { post, read, wait, type SubmissionRoute } from "./submission-api.ts";

// Ids are UUIDs; anything percent-encoded or unusual goes through Next's decoding instead.
const ROUTE = /^\/api\/submissions(?:\/([A-Za-z0-9_-]{1,128})(\/wait)?)?$/;

function routeOf(method: string | undefined, pathname: string): { route: SubmissionRoute; id?: string } | null {
  const m = ROUTE.exec(pathname);
  if (!m) return null;
  const [, id, waits] = m;
  if (id === undefined) return method === "POST" ? { route: post } : null;
  if (method !== "GET") return null;
  return { route: waits ? wait : read, id };
}

function headerOf(req: IncomingMessage) {
  return (name: string): string | null => {
    const v = req.headers[name];
    return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
  };
}

function webHeaders(req: IncomingMessage): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const one of v) h.append(k, one);
    else h.set(k, v);
  }
  return h;
}

/** The body as text, abandoned past `limit` (the guard has held it already; this holds without the guard too). */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  if (Number(req.headers["content-length"]) > limit) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.off("data", onData);
        req.resume(); // the rest is dropped as it arrives
        reject(new BodyTooLargeError(limit));
      } else chunks.push(c);
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.once("error", reject);
  });
}

function send(res: ServerResponse, answer: ApiAnswer): void {
  const json = JSON.stringify(answer.body);
  res.writeHead(answer.status, { "Content-Type": "application/json", ...answer.headers, "Content-Length": Buffer.byteLength(json) });
  res.end(json);
}

async function answer(res: ServerResponse, serve: () => Promise<ApiAnswer | Response>, what: string): Promise<void> {
  try {
    const out = await serve();
    // The submission routes answer ApiAnswer or plain values (made ApiAnswer by serveApi), never a Web Response.
    if (!(out instanceof ApiAnswer)) throw new Error("a submission route answered with a Web Response");
    send(res, out);
  } catch (e) {
    // As Next does: logged, and a 500 without details.
    console.error(`${what} failed:`, e);
    if (res.headersSent) res.destroy();
    else {
      res.writeHead(500, { "Content-Length": 0 });
      res.end();
    }
  }
}

/**
 * Answers `req` when it is one of the three submission routes (true), else leaves it (false).
 */
export function serveSubmissionApi(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const pathname = q < 0 ? url : url.slice(0, q);
  const found = routeOf(req.method, pathname);
  if (!found) return false;
  const { route, id } = found;
  const aborted = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) aborted.abort();
  });
  const header = headerOf(req);
  const apiReq: ApiRequest = { method: req.method!, header, pathname, headers: () => webHeaders(req), readBody: (limit) => readBody(req, limit) };
  const query = new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
  void answer(res, () => serveApi(apiReq, (call) => route.handle({ ...call, params: id === undefined ? {} : { id }, query, signal: aborted.signal }), route.options), `${req.method} ${pathname}`);
  return true;
}
