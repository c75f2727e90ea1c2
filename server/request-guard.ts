/**
 * A Node request listener that guards another (Next's): every request is checked here before the
 * app sees a byte of it (see http-guards.ts for the rules).
 *   - Body: held here, counted as it arrives, and handed on only once complete and within the
 *     route's limit; past the limit the client gets 413 and the connection is closed. The app
 *     never sees a partial or oversized body, and at most the limit is ever held in memory.
 *   - Cross-site writes: 403 before the app runs.
 *   - The client address for rate limiting, in a header clients cannot forge.
 *   - Security headers on every response; the page CSP with a per-response nonce on HTML.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { bodyTooLargeText, crossSiteText, errorAnswer, requestLocale, type HeaderOf } from "./api-answer.ts";
import { bodyLimit, configuredOrigins, csrfExempt, csrfVerdict, pageCsp, SECURITY_HEADERS } from "./http-guards.ts";
import type { Text } from "../lib/i18n/server-text.ts";

/** The header better-auth reads the client address from (server/auth.ts); set only here. */
export const CLIENT_IP_HEADER = "x-gradlab-client-ip";

export type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface GuardOptions {
  /** Origins allowed to send state-changing requests (default: configuredOrigins()). */
  origins?: string[];
  /** Proxies whose X-Forwarded-For is believed (GRADLAB_TRUSTED_PROXIES, exact addresses). */
  trustedProxies?: string[];
  /** Per-route body limit (default: bodyLimit). */
  limit?: (pathname: string) => number;
}

const headerOf = (req: IncomingMessage): HeaderOf => (name) => {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
};

/**
 * A refusal as the API pipeline words it ({"error"} with its message key, server/api-answer.ts),
 * in the reader's language. The guard runs before the session is read, so that language is the
 * locale cookie's, else Accept-Language's: the same rule as requestLocale's without the user's
 * saved choice, which would cost a database lookup per refused request (choosing a language in
 * the top bar sets the cookie as well, in that browser).
 */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, error: Text, close = false): void {
  const body = JSON.stringify(errorAnswer(status, error, {}, requestLocale(headerOf(req))).body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "Cache-Control": "no-store", ...(close ? { Connection: "close" } : {}) });
  res.end(body);
}

function clientAddress(req: IncomingMessage, trustedProxies: string[]): string {
  const peer = (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
  if (!trustedProxies.includes(peer)) return peer;
  const forwarded = String(req.headers["x-forwarded-for"] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return forwarded.at(-1) ?? peer;
}

/** Adds the page CSP when the response turns out to be HTML (decided by the app, so checked at writeHead). */
function cspOnHtml(res: ServerResponse, csp: string): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    const given = args.find((a) => a && typeof a === "object") as Record<string, unknown> | unknown[] | undefined;
    let type = String(res.getHeader("content-type") ?? "");
    if (Array.isArray(given)) {
      for (let i = 0; i + 1 < given.length; i += 2) if (String(given[i]).toLowerCase() === "content-type") type = String(given[i + 1]);
    } else if (given) {
      for (const [k, v] of Object.entries(given)) if (k.toLowerCase() === "content-type") type = String(v);
    }
    if (type.startsWith("text/html") && !res.hasHeader("content-security-policy")) res.setHeader("Content-Security-Policy", csp);
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse["writeHead"];
}

/**
 * Holds the body of `req` as the HTTP parser delivers it (IncomingMessage#push), up to `limit`
 * bytes; resolves "complete" (the chunks are then pushed back for the app to read), "too-large"
 * (the parser is told to stop reading the socket) or "aborted".
 */
function holdBody(req: IncomingMessage, limit: number): Promise<"complete" | "too-large" | "aborted"> {
  return new Promise((resolve) => {
    const push = req.push;
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (v: "complete" | "too-large" | "aborted") => {
      if (settled) return;
      settled = true;
      if (v === "complete") {
        req.push = push;
        for (const c of chunks) push.call(req, c);
        push.call(req, null);
      } else {
        chunks.length = 0;
      }
      resolve(v);
    };
    req.push = function (chunk: unknown): boolean {
      if (settled) return true; // past the limit: the rest is dropped as it arrives
      if (chunk === null) {
        settle("complete");
        return true;
      }
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > limit) {
        settle("too-large");
        return true;
      }
      chunks.push(buf);
      return true;
    };
    req.once("aborted", () => settle("aborted"));
    req.once("close", () => settle("aborted"));
  });
}

/**
 * 413, then the rest of the body is read and dropped for a moment before the connection is
 * closed: closing a socket with unread data resets it, and the client would lose the answer.
 */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  refuse(req, res, 413, bodyTooLargeText(limit));
  setTimeout(() => req.socket.destroy(), LINGER_MS).unref();
}
const LINGER_MS = 2_000;

/** A request listener that applies the guards, then calls `next`. */
export function guardRequests(next: Handler, opts: GuardOptions = {}): Handler {
  const origins = opts.origins ?? configuredOrigins();
  const trustedProxies = opts.trustedProxies ?? (process.env.GRADLAB_TRUSTED_PROXIES ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const limitOf = opts.limit ?? bodyLimit;
  return (req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    req.headers[CLIENT_IP_HEADER] = clientAddress(req, trustedProxies);

    const nonce = randomBytes(16).toString("base64");
    const csp = pageCsp(nonce);
    // Next reads the nonce from the request's CSP header and puts it on its own scripts.
    req.headers["content-security-policy"] = csp;
    delete req.headers["content-security-policy-report-only"];
    cspOnHtml(res, csp);

    const pathname = (req.url ?? "/").split("?")[0];
    const csrf = csrfVerdict({ method: req.method ?? "GET", header: headerOf(req) }, origins);
    if (!csrf.ok && !csrfExempt(pathname)) return refuse(req, res, 403, crossSiteText(csrf.from), true);

    const limit = limitOf(pathname);
    const declared = req.headers["content-length"];
    const chunked = req.headers["transfer-encoding"] !== undefined;
    if (declared !== undefined && Number(declared) > limit) return refuseTooLarge(req, res, limit);
    if (!chunked && !(Number(declared) > 0)) return next(req, res);

    holdBody(req, limit).then((outcome) => {
      if (outcome === "complete") return next(req, res);
      if (outcome === "too-large") refuseTooLarge(req, res, limit);
    });
  };
}
