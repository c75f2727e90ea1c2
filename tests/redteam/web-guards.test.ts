/**
 * The request guards (server/http-guards.ts, request-guard.ts) in front of a stand-in app:
 * oversized bodies (declared or chunked) are refused with 413 before the app reads them and
 * without being held in memory; cross-site writes get 403; the redirect after sign-in stays on
 * this site; headers and the page CSP are set; the refusals are in the reader's language (locale
cookie, else Accept-Language). The real server: web-server.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { bodyTooLargeText, crossSiteText } from "../../server/api-answer.ts";
import { BODY_LIMITS, bodyLimit, csrfMessage, csrfVerdict, safeNextPath, tooLargeMessage, type CrossSiteFrom } from "../../server/http-guards.ts";
import { renderText } from "../../lib/i18n/server-text.ts";
import { CLIENT_IP_HEADER, guardRequests } from "../../server/request-guard.ts";

describe("safeNextPath: the redirect after sign-in stays on this site", () => {
  it.each([
    ["/\\example.org", "/"],
    ["/\t/example.org", "/"],
    ["/\n/example.org", "/"],
    ["//example.org", "/"],
    ["/\\/example.org", "/"],
    ["https://example.org/", "/"],
    ["https:example.org", "/"],
    ["javascript:alert(1)", "/"],
    ["", "/"],
    [undefined, "/"],
    ["/%2F%2Fexample.org", "/%2F%2Fexample.org"],
    ["/exercises/dense", "/exercises/dense"],
    ["/courses/c1/gradebook?tab=csv#top", "/courses/c1/gradebook?tab=csv#top"],
    ["/join/abc", "/join/abc"],
  ])("%j -> %j", (next, want) => {
    expect(safeNextPath(next)).toBe(want);
  });
});

describe("csrfVerdict", () => {
  const origins = ["http://localhost:3000"];
  const req = (method: string, h: Record<string, string>) => ({ method, header: (n: string) => h[n] ?? null });
  it("refuses a cookie POST from another port of the same host, and a same-site fetch", () => {
    expect(csrfVerdict(req("POST", { cookie: "s=1", origin: "http://localhost:4000", host: "localhost:3000" }), origins).ok).toBe(false);
    expect(csrfVerdict(req("POST", { cookie: "s=1", "sec-fetch-site": "same-site", host: "localhost:3000" }), origins).ok).toBe(false);
    expect(csrfVerdict(req("DELETE", { cookie: "s=1", origin: "null" }), origins).ok).toBe(false);
  });
  it("accepts own origin, the addressed host, bearer scripts without cookies, and safe methods", () => {
    expect(csrfVerdict(req("POST", { cookie: "s=1", origin: "http://localhost:3000" }), origins).ok).toBe(true);
    expect(csrfVerdict(req("POST", { cookie: "s=1", origin: "http://10.0.0.5:3000", host: "10.0.0.5:3000" }), origins).ok).toBe(true);
    expect(csrfVerdict(req("POST", { authorization: "Bearer abc", origin: "http://evil.test" }), origins).ok).toBe(true);
    expect(csrfVerdict(req("POST", { authorization: "Bearer abc", cookie: "s=1", origin: "http://evil.test" }), origins).ok).toBe(false);
    expect(csrfVerdict(req("GET", { cookie: "s=1", origin: "http://evil.test" }), origins).ok).toBe(true);
    expect(csrfVerdict(req("POST", { "sec-fetch-site": "same-origin" }), origins).ok).toBe(true);
  });
});

describe("bodyLimit", () => {
  it("gives code routes the code limit, auth a few KiB, roster the CSV size", () => {
    expect(bodyLimit("/api/submissions")).toBe(BODY_LIMITS.code);
    expect(bodyLimit("/api/drafts/dense")).toBe(BODY_LIMITS.code);
    expect(bodyLimit("/api/auth/sign-in/email")).toBe(8 * 1024);
    expect(bodyLimit("/api/courses/c1/roster")).toBe(BODY_LIMITS.roster);
    expect(bodyLimit("/api/courses/c1/assignments")).toBe(BODY_LIMITS.form);
  });
});

describe("guardRequests in front of an app that reads whole bodies", () => {
  let server: Server;
  let base = "";
  let seen: { bytes: number; ip?: string }[] = [];
  beforeAll(async () => {
    const app = guardRequests(
      async (req, res) => {
        const parts: Buffer[] = [];
        for await (const c of req) parts.push(c as Buffer);
        seen.push({ bytes: Buffer.concat(parts).length, ip: req.headers[CLIENT_IP_HEADER] as string });
        const html = req.url === "/page";
        res.writeHead(200, { "Content-Type": html ? "text/html; charset=utf-8" : "application/json" });
        res.end(html ? "<p>hi</p>" : JSON.stringify({ got: Buffer.concat(parts).length }));
      },
      { origins: ["http://localhost:3000"] },
    );
    server = createServer(app);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  /** Stream `total` bytes (chunked when `declare` is false) and return the status the server answered. */
  function stream(path: string, total: number, declare: boolean, extra: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { "content-type": "application/json", ...extra };
      if (declare) headers["content-length"] = String(total);
      const r = request(`${base}${path}`, { method: "POST", headers }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode!, body, headers: res.headers }));
      });
      r.on("error", reject);
      const chunk = Buffer.alloc(1 << 20, 0x61);
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          const n = Math.min(chunk.length, total - sent);
          sent += n;
          if (!r.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void r.once("drain", pump);
        }
        r.end();
      };
      r.on("error", () => {}); // the server closes the connection mid-body
      pump();
    });
  }

  it("accepts a body within the limit, intact", async () => {
    seen = [];
    const res = await stream("/api/auth/sign-in/email", 8 * 1024, false);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ got: 8 * 1024 });
  });

  it("refuses a declared 200 MiB body with 413 before reading it", async () => {
    seen = [];
    const res = await stream("/api/auth/sign-in/email", 200 << 20, true).catch((e) => ({ status: -1, body: String(e), headers: {} }));
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error).toMatch(/larger than this route accepts \(8 KiB\)/);
    expect(seen).toEqual([]);
  });

  it("refuses a chunked 200 MiB body with 413 while it streams, without holding it", async () => {
    seen = [];
    const before = process.memoryUsage().rss;
    const res = await stream("/api/auth/sign-in/email", 200 << 20, false).catch((e) => ({ status: -1, body: String(e), headers: {} }));
    const grown = process.memoryUsage().rss - before;
    expect(res.status).toBe(413);
    expect(seen).toEqual([]); // the app never ran
    expect(grown).toBeLessThan(64 << 20);
  });

  it("refuses code past the code limit on the submissions route, accepts just under it", async () => {
    expect((await stream("/api/submissions", BODY_LIMITS.code + 1, false)).status).toBe(413);
    expect((await stream("/api/submissions", BODY_LIMITS.code, false)).status).toBe(200);
  });

  it("refuses a cross-origin cookie POST with 403 before the app runs", async () => {
    seen = [];
    const res = await fetch(`${base}/api/join/tok`, { method: "POST", headers: { cookie: "better-auth.session_token=x", origin: "http://localhost:4000", "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatch(/Refused a request from http:\/\/localhost:4000/);
    expect(seen).toEqual([]);
  });

  it("refuses in the reader's language: Accept-Language or the locale cookie, English otherwise; same status, headers and {error}", async () => {
    seen = [];
    const zh413 = await stream("/api/auth/sign-in/email", 64 * 1024, true, { "accept-language": "zh-CN,zh;q=0.9,en;q=0.5" });
    expect(zh413.status).toBe(413);
    expect(zh413.headers["cache-control"]).toBe("no-store");
    expect(zh413.headers["x-content-type-options"]).toBe("nosniff");
    expect(JSON.parse(zh413.body)).toMatchObject({ error: "请求体超出此接口的上限（8 KiB）。请减少内容：代码最多 256 KiB，名单 CSV 最多 1 MiB。", code: "errors.api.bodyTooLarge", english: tooLargeMessage(8 * 1024) });
    // Chunked (the limit found while the body streams): the same answer.
    const zhChunked = await stream("/api/auth/sign-in/email", 64 * 1024, false, { cookie: "gradlab-locale=zh-CN" });
    expect(JSON.parse(zhChunked.body).error).toMatch(/^请求体超出此接口的上限（8 KiB）/);
    const en413 = JSON.parse((await stream("/api/auth/sign-in/email", 64 * 1024, true, { "accept-language": "en-GB" })).body);
    expect(en413.error).toBe(tooLargeMessage(8 * 1024));
    expect(en413.english).toBeUndefined();

    const post = (headers: Record<string, string>) => fetch(`${base}/api/join/tok`, { method: "POST", headers: { origin: "http://localhost:4000", "content-type": "application/json", ...headers }, body: "{}" });
    const zh403 = await post({ cookie: "better-auth.session_token=x; gradlab-locale=zh-CN", "accept-language": "en" });
    expect(zh403.status).toBe(403);
    expect(zh403.headers.get("cache-control")).toBe("no-store");
    expect(zh403.headers.get("connection")).toBe("close");
    expect(await zh403.json()).toMatchObject({ error: expect.stringMatching(/^已拒绝来自 http:\/\/localhost:4000 的请求：只接受来自 GradLab 自身页面的修改。脚本请发送 `Authorization: Bearer <token>`/), code: "errors.api.crossSite", english: expect.stringMatching(/^Refused a request from http:\/\/localhost:4000: /) });
    const zhSite = await fetch(`${base}/api/join/tok`, { method: "POST", headers: { cookie: "s=1", "sec-fetch-site": "cross-site", "accept-language": "zh" }, body: "{}" });
    expect((await zhSite.json()).error).toMatch(/^已拒绝 ?Sec-Fetch-Site 为 cross-site 的请求/);
    const en403 = await (await post({ cookie: "better-auth.session_token=x" })).json();
    expect(en403).toMatchObject({ error: csrfMessage("a request from http://localhost:4000"), code: "errors.api.crossSite" });
    expect(en403.english).toBeUndefined();
    // A malformed escape in the locale cookie is no language (English), not a crash of the server.
    const odd = await post({ cookie: "better-auth.session_token=x; gradlab-locale=%E0%A4%A" });
    expect(odd.status).toBe(403);
    expect((await odd.json()).error).toBe(csrfMessage("a request from http://localhost:4000"));
    expect(seen).toEqual([]);
  });

  it("says in English exactly what tooLargeMessage and csrfMessage say (callers with no reader use those)", () => {
    expect(renderText(bodyTooLargeText(BODY_LIMITS.code))).toBe(tooLargeMessage(BODY_LIMITS.code));
    const refused: [Record<string, string>, CrossSiteFrom][] = [
      [{ origin: "https://evil.example" }, { origin: "https://evil.example" }],
      [{ "sec-fetch-site": "same-site" }, { site: "same-site" }],
      [{ origin: "null" }, { opaque: true }],
    ];
    for (const [headers, from] of refused) {
      const h: Record<string, string> = { cookie: "s=1", ...headers };
      const v = csrfVerdict({ method: "POST", header: (n) => h[n] ?? null }, ["http://localhost:3000"]);
      expect(v.ok ? null : v.from).toEqual(from);
      expect(renderText(crossSiteText(from))).toBe(csrfMessage(v.ok ? "" : v.reason));
    }
  });

  it("sets security headers everywhere and the page CSP with a fresh nonce on HTML", async () => {
    const a = await fetch(`${base}/page`);
    const b = await fetch(`${base}/page`);
    const api = await fetch(`${base}/api/x`);
    for (const r of [a, api]) {
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      expect(r.headers.get("x-frame-options")).toBe("DENY");
      expect(r.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    }
    const csp = a.headers.get("content-security-policy")!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic' 'wasm-unsafe-eval'/);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toBe(b.headers.get("content-security-policy"));
    expect(api.headers.get("content-security-policy")).toBeNull();
  });

  it("replaces a client's own client-address header with the peer address", async () => {
    seen = [];
    await fetch(`${base}/api/x`, { headers: { [CLIENT_IP_HEADER]: "6.6.6.6" } });
    expect(seen[0].ip).toBe("127.0.0.1");
  });
});
