/**
 * GradLab's LTI route handlers served on localhost behind the web server's request guards, on a
 * fresh data folder, and a cookie-keeping "browser" that follows a launch from the test platform
 * (login initiation → the platform's auth endpoint → the cross-site form_post). Import this module
 * before anything that opens the database: it points GRADLAB_DATA_DIR at a new folder.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { parseFormPost, type LaunchSpec, type TestPlatform } from "./platform.ts";

process.env.GRADLAB_DATA_DIR = mkdtempSync(join(tmpdir(), "gradlab-lti-tool-"));
delete process.env.GRADLAB_BASE_URL;

export const B = await import("../../server/index.ts");
(globalThis as { __gradlabBackend?: Promise<typeof B> }).__gradlabBackend = Promise.resolve(B);
const { guardRequests } = await import("../../server/request-guard.ts");

type Route = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Methods = Partial<Record<string, Route>>;

async function routeTable(): Promise<[RegExp, string[], Methods][]> {
  const r = async (p: string) => (await import(p)) as Methods;
  return [
    [/^\/api\/lti\/login$/, [], await r("../../app/api/lti/login/route.ts")],
    [/^\/api\/lti\/launch$/, [], await r("../../app/api/lti/launch/route.ts")],
    [/^\/api\/lti\/jwks$/, [], await r("../../app/api/lti/jwks/route.ts")],
    [/^\/api\/lti\/deep-link$/, [], await r("../../app/api/lti/deep-link/route.ts")],
    [/^\/api\/lti\/register$/, [], await r("../../app/api/lti/register/route.ts")],
    [/^\/api\/lti\/register\/([^/]+)$/, ["link"], await r("../../app/api/lti/register/[link]/route.ts")],
    [/^\/api\/lti\/admin\/platforms$/, [], await r("../../app/api/lti/admin/platforms/route.ts")],
    [/^\/api\/lti\/admin\/platforms\/([^/]+)$/, ["id"], await r("../../app/api/lti/admin/platforms/[id]/route.ts")],
    [/^\/api\/lti\/admin\/key$/, [], await r("../../app/api/lti/admin/key/route.ts")],
    [/^\/api\/lti\/admin\/registration-links$/, [], await r("../../app/api/lti/admin/registration-links/route.ts")],
  ];
}

export interface Tool {
  base: string;
  server: Server;
  close(): Promise<void>;
}

export async function startTool(): Promise<Tool> {
  const table = await routeTable();
  let base = "";
  const toRequest = async (req: IncomingMessage): Promise<Request> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    return new Request(`${base}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
  };
  const server = createServer(
    guardRequests(async (req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      let out: Response = new Response("not found", { status: 404 });
      for (const [re, names, methods] of table) {
        const m = re.exec(path);
        const handler = m && methods[req.method ?? "GET"];
        if (!m || !handler) continue;
        const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
        out = await handler(await toRequest(req), { params: Promise.resolve(params) });
        break;
      }
      const headers: Record<string, string | string[]> = {};
      out.headers.forEach((v, k) => (headers[k] = k === "set-cookie" ? out.headers.getSetCookie() : v));
      // As Next does: the route's own headers replace the guard's defaults (a route's CSP included).
      for (const k of Object.keys(headers)) res.removeHeader(k);
      res.writeHead(out.status, headers).end(Buffer.from(await out.arrayBuffer()));
    }),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, server, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A browser: keeps GradLab's cookies (name=value only). */
export class Browser {
  jar = new Map<string, string>();
  keep(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      const v = pair.slice(i + 1);
      if (v) this.jar.set(pair.slice(0, i), v);
      else this.jar.delete(pair.slice(0, i));
    }
  }
  cookie = () => [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

/** A whole launch as a browser makes it; returns GradLab's answer to the form_post. */
export async function launch(tool: Tool, lms: TestPlatform, spec: LaunchSpec, browser = new Browser()): Promise<{ res: Response; body: string; browser: Browser }> {
  const login = await fetch(lms.loginInitiation(`${tool.base}/api/lti/login`, spec), { redirect: "manual" });
  expect(login.status, await login.clone().text()).toBe(302);
  browser.keep(login);
  const page = await fetch(login.headers.get("location")!);
  expect(page.status).toBe(200);
  const form = parseFormPost(await page.text());
  const res = await fetch(form.action, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: lms.issuer, "sec-fetch-site": "cross-site", cookie: browser.cookie() },
    body: new URLSearchParams(form.fields).toString(),
  });
  browser.keep(res);
  return { res, body: await res.clone().text(), browser };
}

/** A same-origin form post from one of GradLab's own pages. */
export async function postForm(tool: Tool, browser: Browser, path: string, fields: [string, string][], headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(`${tool.base}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: tool.base, "sec-fetch-site": "same-origin", cookie: browser.cookie(), ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  browser.keep(res);
  return res;
}

/** The hidden fields and action of a page's first form (GradLab's auto-post page, the registration page). */
export function formOf(html: string): { action: string | null; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1] ?? null;
  const fields: Record<string, string> = {};
  const unescape = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1]] = unescape(m[2]);
  return { action: action && unescape(action), fields };
}
