// Similarity between submissions (issue 15 item 4) on the real SQLite database: a copied (and
// renamed) solution ranks first with its shared fragment located in both files; the starter
// code and code most learners share are ignored; the run is a durable job row with progress,
// taken up again after a "restart"; only course staff start and read it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverUnderTest, type User } from "./server-under-test.ts";

const { ctx, C, B, A } = await serverUnderTest("similarity", { GRADLAB_MAX_QUEUED_PER_LEARNER: "20" });
const { analyse } = await import("../../server/similarity/analyse.ts");
const { tokenize } = await import("../../server/similarity/tokenize.ts");
const { similarityRuns } = await import("../../db/schema.ts");
const { eq } = await import("drizzle-orm");

const u: Record<string, User> = {};
let course = "";

const STARTER = `import { Tensor } from "gradlab/nd";\nexport function dense(x: Tensor, w: Tensor, b: Tensor): Tensor {\n  // TODO: x @ w + b\n  throw new Error("not implemented");\n}\n`;
const LOOPS = `import { Tensor } from "gradlab/nd";
export function dense(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const out = new Float64Array(x.shape[0] * w.shape[1]);
  for (let i = 0; i < x.shape[0]; i++) {
    for (let j = 0; j < w.shape[1]; j++) {
      let s = b.data[j];
      for (let k = 0; k < x.shape[1]; k++) s += x.data[i * x.shape[1] + k] * w.data[k * w.shape[1] + j];
      out[i * w.shape[1] + j] = s;
    }
  }
  return { shape: [x.shape[0], w.shape[1]], data: out } as unknown as Tensor;
}
`;
// Renamed variables, a comment and other spacing: the same code.
const COPY = LOOPS.replace(/\bs\b/g, "acc").replace(/\bout\b/g, "result").replace("{\n  const", "{\n  // my own work\n  const").replace(/ \* /g, "*");
const OWN = `import { Tensor, matmul, add } from "gradlab/nd";
export function dense(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const y = matmul(x, w);
  return add(y, b);
}
`;
const OWN2 = `import { Tensor } from "gradlab/nd";
export function dense(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const [n, d] = x.shape, m = w.shape[1];
  const data = new Float64Array(n * m).map((_, p) => {
    const i = Math.floor(p / m), j = p % m;
    let t = b.data[j];
    for (let q = 0; q < d; q++) t += x.data[i * d + q] * w.data[q * m + j];
    return t;
  });
  return { shape: [n, m], data } as unknown as Tensor;
}
`;

async function user(key: string, role: "learner" | "instructor" | "admin"): Promise<void> {
  const r = await A.addUser(ctx.auth, ctx.db, `${key}@sim.org`, role);
  u[key] = { id: r.id, email: r.email, name: key, role };
}

async function until<T>(fn: () => T, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`condition not met: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  await user("inst", "instructor");
  await user("admin", "admin");
  for (const k of ["ada", "bob", "cy", "dee"]) await user(k, "learner");
  course = C.createCourse(u.inst, { title: "Sim 101", timeZone: "UTC" }).id;
  for (const k of ["ada", "bob", "cy", "dee"]) C.setMemberRole(u.admin, course, { email: u[k].email, role: "learner" });
  await C.createAssignment(u.inst, course, { title: "Layers", exerciseIds: ["dense"] });
  const code: Record<string, string[]> = { ada: ["export const draft = 1;", LOOPS], bob: [COPY], cy: [OWN], dee: [OWN2] };
  for (const [k, list] of Object.entries(code)) for (const c of list) {
    const out = await B.submit(u[k], { exerciseId: "dense", code: c });
    if (!out.ok) throw new Error(out.error);
  }
}, 60_000);

afterAll(async () => (await import("../../db/client.ts")).closeAllDbs());

describe("the engine (Dolos core on our lexer)", () => {
  it("tokenizes names and literals by kind, drops comments, and maps tokens to places", () => {
    const t = tokenize("let s = 1.5; // c\nconst t = `a${s}` + 'b';");
    expect(t.tokens).toEqual(["let", "I", "=", "N", ";", "const", "I", "=", "S", "+", "S", ";"]);
    expect(t.mapping[5]).toMatchObject({ startRow: 1, startCol: 0, endRow: 1, endCol: 5 });
  });

  it("ranks the copy first with one fragment covering the loops in both files; starter-only pairs score 0", async () => {
    const r = await analyse({ starter: STARTER, submissions: [{ id: "a", code: LOOPS }, { id: "b", code: COPY }, { id: "c", code: OWN }, { id: "d", code: STARTER }] });
    expect(r.pairs[0]).toMatchObject({ left: "a", right: "b" });
    expect(r.pairs[0].similarity).toBeGreaterThan(0.9);
    expect(r.pairs[0].fragments[0].left.startRow).toBeLessThanOrEqual(2);
    expect(r.pairs[0].fragments[0].left.endRow).toBeGreaterThanOrEqual(9);
    expect(r.pairs.some((p) => [p.left, p.right].includes("d"))).toBe(false); // the starter itself shares nothing that counts
  });

  it("ignores what most submissions share", async () => {
    const five = ["p", "q", "r", "s", "t"].map((id) => ({ id, code: LOOPS.replace("as unknown as Tensor", `as unknown as Tensor /* ${id} */`) }));
    const r = await analyse({ starter: STARTER, submissions: five });
    expect(r.sharedByMoreThan).toBe(2);
    expect(r.pairs).toEqual([]);
  });
});

describe("a run (a durable background job)", () => {
  it("course staff start it; it reports progress and ranks each learner's final submission", async () => {
    await expect(B.startSimilarity(u.ada, course, { exerciseId: "dense" })).rejects.toMatchObject({ status: 403 });
    await expect(B.startSimilarity(u.inst, course, { exerciseId: "lstm" })).rejects.toThrow(/Only 0 learners have submitted 'lstm'/);
    const { runId, total } = await B.startSimilarity(u.inst, course, { exerciseId: "dense" });
    expect(total).toBe(4);
    const run = await until(() => B.similarityRun(u.inst, course, runId), (r) => r.state === "done");
    expect(run).toMatchObject({ total: 4, done: 4, error: null });
    expect([run.pairs[0].left, run.pairs[0].right].sort()).toEqual(["ada@sim.org", "bob@sim.org"]);
    expect(run.pairs[0].similarity).toBeGreaterThan(0.8);
    if (run.pairs[1]) expect(run.pairs[1].similarity).toBeLessThan(0.5);
    const pair = B.similarityPair(u.inst, course, runId, 0);
    const [ada, bob] = [pair.left, pair.right].sort((x, y) => x.email.localeCompare(y.email));
    expect(ada.code).toBe(LOOPS); // the final submission, not the draft before it
    expect(bob.code).toBe(COPY);
    expect(pair.left.spans.length).toBeGreaterThan(0);
    expect(() => B.similarityPair(u.ada, course, runId, 0)).toThrow(/Only the course's TAs and instructors/);
    expect(B.similarityRunsOf(u.inst, course).map((r) => r.id)).toEqual([runId]);
  });

  it("a run left behind by a stopped process is taken up again", async () => {
    const id = "left-behind";
    ctx.db.insert(similarityRuns).values({ id, courseId: course, exerciseId: "dense", state: "running", total: 4, done: 1, createdAt: new Date(), startedAt: new Date(Date.now() - 10 * 60_000) }).run();
    B.similarityRunsOf(u.inst, course); // looking at the course's runs resumes it
    const run = await until(() => B.similarityRun(u.inst, course, id), (r) => r.state === "done");
    expect([run.pairs[0].left, run.pairs[0].right].sort()).toEqual(["ada@sim.org", "bob@sim.org"]);
    // A fresh "running" one is someone else's: left alone.
    ctx.db.insert(similarityRuns).values({ id: "busy", courseId: course, exerciseId: "dense", state: "running", total: 4, done: 1, createdAt: new Date(), startedAt: new Date() }).run();
    await B.runOne("busy");
    expect(ctx.db.select().from(similarityRuns).where(eq(similarityRuns.id, "busy")).get()!.state).toBe("running");
  });
});
