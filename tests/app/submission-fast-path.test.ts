// The web server's direct submission routes (server/submission-fast-path.ts) in this process, on
// a Node HTTP server, without a build: what it takes and what it leaves to Next, its own body and
// origin checks when no guard runs in front, and the long poll's ending (verdict stored, client
// gone). Parity with Next's answers: tests/e2e/submission-api-parity.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, request, type Server } from "node:http";
import { serverUnderTest } from "./server-under-test.ts";

const { ctx, B, A } = await serverUnderTest("fast-path", { GRADLAB_MAX_QUEUED_PER_LEARNER: "1000" });
const S = await import("../../db/schema.ts");
const { eq } = await import("drizzle-orm");
const { serveSubmissionApi } = await import("../../server/submission-fast-path.ts");
const { guardRequests } = await import("../../server/request-guard.ts");
const { BODY_LIMITS } = await import("../../server/http-guards.ts");

let learner = { id: "", email: "", token: "" };
const servers: Server[] = [];

/** A server answering the direct routes, and 418 for whatever they leave (what Next would get). */
async function listen(guarded: boolean): Promise<string> {
  const direct = (req: Parameters<typeof serveSubmissionApi>[0], res: Parameters<typeof serveSubmissionApi>[1]) => serveSubmissionApi(req, res) || res.writeHead(418).end("left to Next");
  const server = createServer(guarded ? guardRequests(direct) : direct);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

let guarded = "";
let bare = "";
const auth = () => ({ authorization: `Bearer ${learner.token}` });

beforeAll(async () => {
  const r = await A.addUser(ctx.auth, ctx.db, "fast@path.org", "learner");
  learner = { id: r.id, email: r.email, token: await A.issueToken(ctx.auth, ctx.db, r.email) };
  guarded = await listen(true);
  bare = await listen(false);
});

afterAll(async () => {
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
});

async function submitted(code: string): Promise<string> {
  const out = await B.submit({ id: learner.id, email: learner.email, name: "fast", role: "learner" }, { exerciseId: "dense", code });
  if (!out.ok) throw new Error(out.error);
  return out.id;
}

function graded(id: string): void {
  const now = new Date();
  const result = { exercise: "dense", score: 1, maxScore: 1, status: "passed", stdout: "", durationMs: 1, seed: "s", version: "v1", tests: [] };
  ctx.db.update(S.submissions).set({ result, score: 1, maxScore: 1, verdict: "passed", startedAt: now, finishedAt: now }).where(eq(S.submissions.id, id)).run();
}

describe("the direct submission routes", () => {
  it("take exactly POST /api/submissions and GET …/:id(/wait); everything else is left to Next", async () => {
    const id = await submitted("export const a = 1;");
    expect((await fetch(`${guarded}/api/submissions/${id}`, { headers: auth() })).status).toBe(200);
    expect((await fetch(`${guarded}/api/submissions/${id}/wait?timeout=0`, { headers: auth() })).status).toBe(200);
    for (const [method, path] of [["GET", "/api/submissions"], ["HEAD", `/api/submissions/${id}`], ["DELETE", `/api/submissions/${id}`], ["GET", `/api/submissions/${id}/`], ["GET", "/api/submissions/a%2Fb"], ["GET", `/api/submissions/${id}/waiting`], ["POST", "/api/submissions/"]]) {
      expect((await fetch(guarded + path, { method, headers: auth() })).status, `${method} ${path}`).toBe(418);
    }
  });

  it("refuse a body over the limit (chunked, no length) and a cross-site write without the guard in front", async () => {
    // Chunked: the length is only known as it arrives; the route's own reading stops past the limit.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${bare}/api/submissions`, { method: "POST", headers: { ...auth(), "content-type": "application/json", "transfer-encoding": "chunked", "accept-language": "zh-CN" } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on("error", reject);
      const chunk = "x".repeat(64 * 1024);
      for (let sent = 0; sent <= BODY_LIMITS.code; sent += chunk.length) req.write(chunk);
      req.end();
    });
    expect(status).toBe(413);
    const cross = await fetch(`${bare}/api/submissions`, { method: "POST", headers: { ...auth(), cookie: "a=1", origin: "https://evil.example" }, body: "{}" });
    expect(cross.status).toBe(403);
    expect(((await cross.json()) as { error: string }).error).toMatch(/^Refused a request from https:\/\/evil\.example/);
  });

  it("answer a long poll once the verdict is stored, and end the wait of a client that leaves", async () => {
    const waits = B.verdictWaitsOn(ctx.db.$client);
    const id = await submitted("export const b = 2;");
    const answered = fetch(`${guarded}/api/submissions/${id}/wait`, { headers: auth() }).then((r) => r.json());
    await expect.poll(() => waits.waiting).toBe(1);
    graded(id);
    expect(await answered).toMatchObject({ id, status: "done" });
    await expect.poll(() => waits.waiting).toBe(0);

    const left = await submitted("export const c = 3;");
    const leave = new AbortController();
    const gone = fetch(`${guarded}/api/submissions/${left}/wait`, { headers: auth(), signal: leave.signal }).catch(() => "aborted");
    await expect.poll(() => waits.waiting).toBe(1);
    leave.abort();
    expect(await gone).toBe("aborted");
    await expect.poll(() => waits.waiting).toBe(0);
  });
});
