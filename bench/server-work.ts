/**
 * CPU µs a call of the web server's and the worker's own work per request (issue 19): a bearer
 * session, the user's locale, a POST's server work, a worker's lease + verdict write, a
 * submission read. In process, on a fresh data folder; no HTTP, no grading.
 *   node --no-node-snapshot bench/server-work.ts [tree]   # tree: another checkout, to compare side by side
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const tree = resolve(process.argv[2] ?? fileURLToPath(new URL("..", import.meta.url)));
process.env.GRADLAB_DATA_DIR = mkdtempSync(join(tmpdir(), "gradlab-server-work-"));
process.env.GRADLAB_SUBMISSIONS_PER_MINUTE = "1000000";
process.env.GRADLAB_MAX_QUEUED_PER_LEARNER = "1000000";
const ctx = await import(join(tree, "server/context.ts"));
const A = await import(join(tree, "server/accounts.ts"));
const B = await import(join(tree, "server/index.ts"));
const { SqliteQueue } = await import(join(tree, "grader/queue/sqlite-queue.ts"));

await A.addUser(ctx.auth, ctx.db, "bench@example.org", "learner", "bench-password");
const headers = new Headers({ authorization: `Bearer ${await A.issueToken(ctx.auth, ctx.db, "bench@example.org")}` });
const user = (await ctx.sessionUser(headers))!;
const ex = (await ctx.getCatalogue()).exercises.find((e: { id: string }) => e.id === "dense")!;
const code = readFileSync(ex.files.solution, "utf8");
const queue = new SqliteQueue(ctx.db);
// A verdict of about 10 KB (10 checks with their values), as the layer mix's are.
const values = Array.from({ length: 4 }, () => Array.from({ length: 8 }, (_, j) => 0.1 * j));
const result = {
  exercise: "dense", score: 7, maxScore: 10, status: "failed", stdout: "", durationMs: 120, version: "v1", seed: "0123456789abcdef",
  tests: Array.from({ length: 10 }, (_, i) => ({ name: `check ${i}`, passed: i % 3 !== 0, message: "expected shape [4, 8] and values within 1e-5 of the reference", points: 1, maxPoints: 1, hidden: i > 6, details: { expected: values, got: values } })),
};

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
async function per(label: string, n: number, f: (i: number) => unknown): Promise<void> {
  for (let i = 0; i < 50; i++) await f(i);
  const c0 = cpuUs();
  for (let i = 0; i < n; i++) await f(i);
  process.stdout.write(`${label.padEnd(40)} ${((cpuUs() - c0) / n).toFixed(0).padStart(6)} µs CPU a call\n`);
}

process.stdout.write(`${tree} (load ${loadavg()[0]!.toFixed(2)})\n`);
const ids: string[] = [];
await per("session of a bearer request", 1000, () => ctx.sessionUser(headers));
await per("the user's locale", 2000, () => B.userLocale(user.id));
await per("POST's server work (submit)", 300, async () => ids.push(((await B.submit(user, { exerciseId: "dense", code })) as { id: string }).id));
await per("worker: lease + complete", 300, () => {
  const job = queue.lease("bench", 10_000);
  if (job) queue.complete(job, result);
});
await per("read a graded submission", 1000, (i) => B.readSubmission(user, ids[i % ids.length]!));
