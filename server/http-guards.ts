/**
 * What every HTTP request must pass before the app sees it, as plain functions shared by the web
 * server (server/web-server.ts) and the route handlers (which check again, so that a route
 * stays safe when Next is run without that server, e.g. `next dev`):
 *   - body limits per route, enforced while the body streams (never buffered past the limit);
 *   - cross-site request forgery: unsafe methods only from the app's own origins;
 *   - the redirect after sign-in: only a path on this origin;
 *   - security headers and the Content-Security-Policy of pages.
 * Kept free of Node-only imports: Next bundles it into route handlers.
 */
import { MAX_CODE_BYTES } from "../grader/intake.ts";

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * A roster CSV: at most 5000 rows (lib/course/roster.ts) of email, name and section, about 200
 * bytes a row at most in practice.
 */
export const MAX_ROSTER_CSV_BYTES = 1 * MiB;

/** The largest body each kind of route accepts (bytes on the wire, JSON-encoded). */
export const BODY_LIMITS = {
  /** Code as a JSON string: escaping (\n, \", \\) may double it; plus the other fields. */
  code: 2 * MAX_CODE_BYTES + 4 * KiB,
  /** A roster CSV inside JSON, escaped. */
  roster: 2 * MAX_ROSTER_CSV_BYTES + 4 * KiB,
  /** Sign-in, sign-out and the other account endpoints: an email and a password. */
  auth: 8 * KiB,
  /** Course forms (settings, assignments, extensions, members, regrades, invites). */
  form: 32 * KiB,
  /** Anything else (pages, unknown routes): nothing legitimate sends a body there. */
  other: 8 * KiB,
} as const;

/** The body limit of a request to `pathname`. */
export function bodyLimit(pathname: string): number {
  if (pathname === "/api/submissions" || pathname.startsWith("/api/drafts/")) return BODY_LIMITS.code;
  if (/^\/api\/courses\/[^/]+\/roster\/?$/.test(pathname)) return BODY_LIMITS.roster;
  if (pathname.startsWith("/api/auth/")) return BODY_LIMITS.auth;
  if (pathname.startsWith("/api/")) return BODY_LIMITS.form;
  return BODY_LIMITS.other;
}

/**
 * The 413 in English, for a caller that has no reader to answer in (BodyTooLargeError's message,
 * the auth route run without the web server). A reader gets errors.api.bodyTooLarge in their
 * language (api-answer.ts bodyTooLargeText), the same text (tests/redteam/web-guards.test.ts).
 */
export function tooLargeMessage(limit: number): string {
  return `The request body is larger than this route accepts (${formatBytes(limit)}). Send less: code is limited to ${formatBytes(MAX_CODE_BYTES)}, a roster CSV to ${formatBytes(MAX_ROSTER_CSV_BYTES)}.`;
}

export function formatBytes(n: number): string {
  return n >= MiB && n % MiB === 0 ? `${n / MiB} MiB` : n >= KiB ? `${Math.round(n / KiB)} KiB` : `${n} bytes`;
}

export class BodyTooLargeError extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(tooLargeMessage(limit));
    this.limit = limit;
  }
}

/**
 * The body of a web Request as text, read chunk by chunk and abandoned (the stream cancelled) as
 * soon as it passes `limit` bytes. Throws BodyTooLargeError.
 */
export async function readBodyCapped(req: Request, limit: number): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > limit) throw new BodyTooLargeError(limit);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

// ---- cross-site request forgery ---------------------------------------------------------------

export const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The origins the app is served from: GRADLAB_BASE_URL (or localhost:PORT) and GRADLAB_TRUSTED_ORIGINS. */
export function configuredOrigins(env: Record<string, string | undefined> = process.env): string[] {
  const port = env.PORT ?? "3000";
  const base = env.GRADLAB_BASE_URL ?? `http://localhost:${port}`;
  const extra = (env.GRADLAB_TRUSTED_ORIGINS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const out = new Set<string>();
  for (const o of [base, `http://localhost:${port}`, `http://127.0.0.1:${port}`, ...extra]) {
    try {
      out.add(new URL(o).origin);
    } catch {
      /* not a URL: ignored */
    }
  }
  return [...out];
}

export interface CsrfRequest {
  method: string;
  /** Lower-case header names. */
  header(name: string): string | null | undefined;
}

/** Where a refused write came from: its Origin, its Sec-Fetch-Site, or an opaque ("null") origin. */
export type CrossSiteFrom = { origin: string } | { site: string } | { opaque: true };

export type CsrfVerdict = { ok: true } | { ok: false; reason: string; from: CrossSiteFrom };

/**
 * Whether a request may change state. Safe methods always may. A script with
 * `Authorization: Bearer` and no cookie may (a browser cannot attach that header cross-origin
 * without a CORS preflight, which this app never grants). Otherwise a browser request must come
 * from one of `origins` or from the host it is addressed to (Origin, else Sec-Fetch-Site);
 * a request with neither header is not from a browser (curl, the CLI) and carries no ambient
 * credentials a page could abuse.
 */
export function csrfVerdict(req: CsrfRequest, origins: string[]): CsrfVerdict {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return { ok: true };
  const cookie = req.header("cookie");
  if (/^bearer\s+\S/i.test(req.header("authorization") ?? "") && !cookie) return { ok: true };
  const origin = req.header("origin");
  if (origin && origin !== "null") {
    if (origins.includes(origin)) return { ok: true };
    const host = req.header("x-forwarded-host") ?? req.header("host");
    try {
      if (host && new URL(origin).host === host.split(",")[0].trim()) return { ok: true };
    } catch {
      /* a malformed Origin is not ours */
    }
    return { ok: false, reason: `a request from ${origin}`, from: { origin } };
  }
  const site = req.header("sec-fetch-site");
  if (site) return site === "same-origin" || site === "none" ? { ok: true } : { ok: false, reason: `a ${site} request`, from: { site } };
  if (origin === "null") return { ok: false, reason: "a request from an opaque origin", from: { opaque: true } };
  return { ok: true };
}

/**
 * The LTI 1.3 login and launch are cross-site by design (the LMS's page posts the form): they are
 * exempt from the origin check and protected instead by the platform's signature on the id_token,
 * the single-use nonce and the state cookie bound to the browser (server/lti/). Exactly these paths.
 */
export const LTI_CROSS_SITE_PATHS = new Set(["/api/lti/login", "/api/lti/launch"]);
export const csrfExempt = (pathname: string) => LTI_CROSS_SITE_PATHS.has(pathname);

/**
 * The 403 in English (`reason` is the verdict's), for a caller that has no reader to answer in
 * (LTI's errors to the LMS). A reader gets errors.api.crossSite in their language (api-answer.ts
 * crossSiteText), the same text.
 */
export function csrfMessage(reason: string): string {
  return `Refused ${reason}: changes are accepted only from GradLab's own pages. Scripts should send \`Authorization: Bearer <token>\` without cookies (\`gradlab token <email>\` prints one); another front end must be listed in GRADLAB_TRUSTED_ORIGINS.`;
}

/** The same check for a web Request (route handlers). */
export function csrfVerdictOf(req: Request, origins = configuredOrigins()): CsrfVerdict {
  return csrfVerdict({ method: req.method, header: (n) => req.headers.get(n) }, origins);
}

// ---- redirect after sign-in ---------------------------------------------------------------------

/**
 * `next` as a path on this site, or "/" when it would leave it. Parsed the way the browser will
 * (the WHATWG URL parser: backslashes, tabs and newlines, encoded slashes), so `/\evil.org`,
 * `/<TAB>/evil.org` or `https:evil.org` cannot land elsewhere.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (typeof next !== "string" || !next.startsWith("/")) return "/";
  const base = "http://gradlab.invalid";
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return "/";
  }
  if (url.origin !== base) return "/";
  const path = url.pathname + url.search + url.hash;
  // The path itself must not read as protocol-relative once the browser resolves it again.
  if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) return "/";
  return path;
}

// ---- response headers -------------------------------------------------------------------------

/** Headers every response gets. */
export const SECURITY_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
};

/**
 * The Content-Security-Policy of an HTML page, with a fresh nonce per response: Next puts the
 * nonce on its own inline and bundle scripts (it reads it from the request's CSP header), and
 * 'strict-dynamic' lets those load the rest; no other inline script runs. 'wasm-unsafe-eval'
 * for tfjs-wasm and esbuild-wasm. Workers (Monaco's, the Run worker) from this origin or blob:.
 * Styles allow 'unsafe-inline': Monaco and KaTeX set inline styles (no script runs from a style).
 */
export function pageCsp(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic' 'wasm-unsafe-eval'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "child-src 'self' blob:",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
