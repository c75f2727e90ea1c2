// GET /api/submissions/:id/wait (the long poll for "my verdict is ready"): it answers once the
// verdict is stored, with exactly the GET's body (hidden checks redacted, no seed), and only to
// whoever may read the submission.
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

process.env.GRADLAB_DATA_DIR = mkdtempSync(join(tmpdir(), "gradlab-wait-"));

type User = import("../../server/context.ts").SessionUser;
const ctx = await import("../../server/context.ts");
const B = await import("../../server/index.ts");
const A = await import("../../server/accounts.ts");
const { submissions } = await import("../../db/schema.ts");
const { eq } = await import("drizzle-orm");

// The route handlers load the server side through this slot (see tests/app/trust-courses.test.ts).
(globalThis as { __gradlabBackend?: Promise<typeof B> }).__gradlabBackend = Promise.resolve(B);
const { GET: wait } = await import("../../app/api/submissions/[id]/wait/route.ts");
const { GET: read } = await import("../../app/api/submissions/[id]/route.ts");

const SEED = "hidden-seed-0123456789abcdef";
const u: Record<string, User> = {};
const tokens: Record<string, string> = {};

async function user(key: string): Promise<void> {
  const r = await A.addUser(ctx.auth, ctx.db, `${key}@wait.org`, "learner");
  u[key] = { id: r.id, email: r.email, name: key, role: "learner" };
  tokens[key] = await A.issueToken(ctx.auth, ctx.db, `${key}@wait.org`);
}

function graded(id: string): void {
  const result = {
    exercise: "dense", score: 7, maxScore: 10, status: "failed", stdout: "", durationMs: 1, seed: SEED, version: "v1",
    tests: [
      { name: "visible case", score: 5, maxScore: 5, status: "passed", output: "", visibility: "visible" },
      { name: "hidden batch", score: 2, maxScore: 5, status: "failed", output: "dW[3,1] expected 0.25 got 0.5", visibility: "hidden" },
    ],
  };
  const now = new Date();
  ctx.db.update(submissions).set({ result, score: 7, maxScore: 10, verdict: "failed", startedAt: now, finishedAt: now }).where(eq(submissions.id, id)).run();
}

const call = async (handler: typeof wait, path: string, id: string, token?: string, signal?: AbortSignal) => {
  const res = await handler(new Request(`http://localhost/api/submissions/${id}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal }), { params: Promise.resolve({ id }) });
  return { status: res.status, text: await res.text(), retryAfter: res.headers.get("retry-after") };
};

/** Resolves once `n` requests wait in the shared waits (server/verdict-waits.ts). */
async function waiting(n: number): Promise<void> {
  const waits = B.verdictWaitsOn(ctx.db.$client);
  await expect.poll(() => waits.waiting).toBe(n);
}

beforeAll(async () => {
  await user("owner");
  await user("other");
  await user("third");
});

describe("GET /api/submissions/:id/wait", () => {
  it("answers when the verdict is stored, with the GET's redacted body", async () => {
    const out = await B.submit(u.owner!, { exerciseId: "dense", code: "export const x = 1;" });
    if (!out.ok) throw new Error(out.error);
    let answered = false;
    const waiting = call(wait, "/wait", out.id, tokens.owner).then((r) => ((answered = true), r));
    // Still waiting while the submission is queued: grade it only once the handler has looked.
    await new Promise((r) => setTimeout(r, 0));
    expect(answered).toBe(false);
    graded(out.id);
    const got = await waiting;
    expect(got.status).toBe(200);
    expect(JSON.parse(got.text)).toMatchObject({ id: out.id, status: "done" });
    expect(got.text).not.toContain(SEED);
    expect(got.text).not.toContain("expected 0.25");
    expect(got.text).toBe((await call(read, "", out.id, tokens.owner)).text);
  });

  it("is a 404 for someone else's submission and a 401 without a session", async () => {
    const out = await B.submit(u.owner!, { exerciseId: "dense", code: "export const y = 2;" });
    if (!out.ok) throw new Error(out.error);
    expect((await call(wait, "/wait?timeout=0", out.id, tokens.other)).status).toBe(404);
    expect((await call(wait, "/wait?timeout=0", out.id)).status).toBe(401);
  });

  it("with timeout=0 answers at once with the current status", async () => {
    const out = await B.submit(u.owner!, { exerciseId: "dense", code: "export const z = 3;" });
    if (!out.ok) throw new Error(out.error);
    const got = await call(wait, "/wait?timeout=0", out.id, tokens.owner);
    expect(got.status).toBe(200);
    expect(JSON.parse(got.text)).toMatchObject({ id: out.id, status: "queued", result: null });
  });

  it("with known=queued answers as soon as grading starts (running), before the verdict", async () => {
    const out = await B.submit(u.third!, { exerciseId: "dense", code: "export const w = 4;" });
    if (!out.ok) throw new Error(out.error);
    const waitingReq = call(wait, "/wait?known=queued", out.id, tokens.third);
    await waiting(1);
    ctx.db.update(submissions).set({ startedAt: new Date() }).where(eq(submissions.id, out.id)).run();
    const got = await waitingReq;
    expect(JSON.parse(got.text)).toMatchObject({ id: out.id, status: "running", result: null });
    await waiting(0);
  });

  it("a user past their share of waiting requests gets the current status at once, with Retry-After; leaving frees the share", async () => {
    const out = await B.submit(u.other!, { exerciseId: "dense", code: "export const v = 5;" });
    if (!out.ok) throw new Error(out.error);
    const { MAX_PER_USER } = await import("../../server/verdict-waits.ts");
    const leave = new AbortController();
    const held = Array.from({ length: MAX_PER_USER }, () => call(wait, "/wait", out.id, tokens.other, leave.signal));
    await waiting(MAX_PER_USER);
    const refused = await call(wait, "/wait", out.id, tokens.other);
    expect(refused.status).toBe(200);
    expect(refused.retryAfter).toBe("2");
    expect(JSON.parse(refused.text)).toMatchObject({ id: out.id, status: "queued" });
    // The clients go away: their waits end (the server holds nothing for them).
    leave.abort();
    await Promise.allSettled(held);
    await waiting(0);
  });

  it("readableStatus (what the wait checks) follows readSubmission's rule and status", async () => {
    const out = await B.submit(u.third!, { exerciseId: "dense", code: "export const q = 6;" });
    if (!out.ok) throw new Error(out.error);
    expect(B.readableStatus(u.third!, out.id)).toBe("queued");
    expect(B.readableStatus(u.other!, out.id)).toBeNull();
    expect(B.readSubmission(u.other!, out.id)).toBeNull();
    expect(B.readableStatus({ ...u.other!, role: "instructor" }, out.id)).toBe("queued");
    expect(B.readableStatus(u.third!, "no-such-id")).toBeNull();
    graded(out.id);
    expect(B.readableStatus(u.third!, out.id)).toBe(B.readSubmission(u.third!, out.id)!.status);
    expect(B.readableStatus(u.third!, out.id)).toBe("done");
  });
});
