/**
 * GradLab's LTI routes on localhost for the AGS and NRPS tests: the real route handlers behind
 * the web server's request guards, on a fresh data folder, with GradLab's JWKS where the test
 * platform reads it. `launch` plays the browser through login initiation → auth → form_post;
 * `grade` stores a verdict through the grading queue's own path (lease, complete), so the
 * outbox sees exactly what a worker's verdict produces.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseFormPost, TestPlatform, type LaunchSpec } from "./platform.ts";
import { ServicesPlatform } from "./platform-services.ts";
import type { GradeResult } from "../../lib/result.ts";

export async function startLtiTool(name: string) {
  process.env.GRADLAB_DATA_DIR = mkdtempSync(join(tmpdir(), `gradlab-${name}-`));
  process.env.GRADLAB_LTI_RELAY = "off"; // the tests run the relay's passes themselves
  delete process.env.GRADLAB_BASE_URL;
  const B = await import("../../server/index.ts");
  (globalThis as { __gradlabBackend?: Promise<typeof B> }).__gradlabBackend = Promise.resolve(B);
  const { guardRequests } = await import("../../server/request-guard.ts");
  const loginRoute = await import("../../app/api/lti/login/route.ts");
  const launchRoute = await import("../../app/api/lti/launch/route.ts");
  const jwksRoute = await import("../../app/api/lti/jwks/route.ts");
  const passbackRoute = await import("../../app/api/courses/[id]/lti/passback/route.ts");
  const rosterRoute = await import("../../app/api/courses/[id]/lti/roster/route.ts");
  type Route = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
  const exact: Record<string, Partial<Record<string, Route>>> = {
    "/api/lti/login": { GET: loginRoute.GET, POST: loginRoute.POST },
    "/api/lti/launch": { POST: launchRoute.POST },
    "/api/lti/jwks": { GET: jwksRoute.GET as unknown as Route },
  };
  const course: Record<string, Partial<Record<string, Route>>> = {
    passback: { GET: passbackRoute.GET as Route, POST: passbackRoute.POST as Route },
    roster: { POST: rosterRoute.POST as Route },
  };
  let base = "";
  async function toRequest(req: IncomingMessage): Promise<Request> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    return new Request(`${base}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
  }
  const tool: Server = createServer(
    guardRequests(async (req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      const m = /^\/api\/courses\/([^/]+)\/lti\/(passback|roster)$/.exec(path);
      const handler = m ? course[m[2]]?.[req.method ?? "GET"] : exact[path]?.[req.method ?? "GET"];
      const params: Record<string, string> = m ? { id: decodeURIComponent(m[1]) } : {};
      const out = handler ? await handler(await toRequest(req), { params: Promise.resolve(params) }) : new Response("not found", { status: 404 });
      const headers: Record<string, string | string[]> = {};
      out.headers.forEach((v, k) => (headers[k] = k === "set-cookie" ? out.headers.getSetCookie() : v));
      res.writeHead(out.status, headers).end(Buffer.from(await out.arrayBuffer()));
    }),
  );
  await new Promise<void>((r) => tool.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(tool.address() as AddressInfo).port}`;

  const lms = await new TestPlatform().start();
  const services = new ServicesPlatform(lms, `${base}/api/lti/jwks`);
  B.lti.platforms.register({ id: "root", email: "root@lti.org", name: "root", role: "admin" }, lms.registration());

  /** A launch as a browser makes it; the GradLab session cookie it ends with. */
  async function launch(spec: LaunchSpec): Promise<{ status: number; location: string | null; cookie: string }> {
    const login = await fetch(lms.loginInitiation(`${base}/api/lti/login`, spec), { redirect: "manual" });
    if (login.status !== 302) throw new Error(`login answered ${login.status}: ${await login.text()}`);
    const state = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const page = await fetch(login.headers.get("location")!);
    const form = parseFormPost(await page.text());
    const res = await fetch(form.action, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: lms.issuer, "sec-fetch-site": "cross-site", cookie: state },
      body: new URLSearchParams(form.fields).toString(),
    });
    const session = res.headers.getSetCookie().map((c) => c.split(";")[0]).filter((c) => c.startsWith("better-auth")).join("; ");
    if (res.status !== 303) throw new Error(`launch answered ${res.status}: ${await res.text()}`);
    return { status: res.status, location: res.headers.get("location"), cookie: session };
  }

  const { SqliteQueue } = await import("../../grader/queue/sqlite-queue.ts");
  const queue = new SqliteQueue(B.db);
  /** The next queued job graded with `score` of `maxScore`, through the queue's lease and complete. */
  function grade(score: number, maxScore: number, exercise: string): void {
    const job = queue.lease("test-worker", 60_000);
    if (!job) throw new Error("no job queued");
    const result = { exercise, score, maxScore, status: score === maxScore ? "passed" : "failed", tests: [], stdout: "", durationMs: 1 } as unknown as GradeResult;
    if (!queue.complete(job, result)) throw new Error("the queue did not take the verdict");
  }

  async function stop(): Promise<void> {
    await new Promise<void>((r) => tool.close(() => r()));
    await lms.stop();
    (await import("../../db/client.ts")).closeAllDbs();
  }

  return { B, base, lms, services, launch, grade, stop };
}
