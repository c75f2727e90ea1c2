/**
 * The grade passback relay starts with the web server (server/web-server.ts), not on its first
 * request: a score queued while GradLab was down (here: written by another process, whose relay is
 * off) reaches the LMS after a restart although nobody opens a page. The built web app is needed
 * (ensureBuilt); no browser.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { ROLE } from "../lti/platform.ts";
import { startLtiTool } from "../lti/ags-tool.ts";
import { ensureBuilt, freePort, ROOT } from "./server.ts";

// This process plays the LMS and GradLab before the restart (its own relay off); the web server
// started below shares its data folder, and the LMS reads GradLab's keys from this process.
const T = await startLtiTool("lti-relay-boot");
const { B, services } = T;
const { eq } = await import("drizzle-orm");
const S = await import("../../db/schema.ts");
const C = await import("../../server/courses/index.ts");

const EX = "dense";
let web: ChildProcess | undefined;
let out = "";

beforeAll(async () => {
  ensureBuilt();
  const points = (await B.findExercise(EX))!.points;
  const lineItem = services.addLineItem({ label: "Dense layer", scoreMaximum: points, resourceLinkId: "link-dense" });
  await T.launch({ sub: "stu-1", roles: [ROLE.learner], email: "ada@uni.edu", name: "Ada", custom: { exercise: EX }, claims: services.launchClaims({ resourceLinkId: "link-dense", lineItem, nrps: false }) });
  const link = B.db.select().from(S.ltiAccounts).where(eq(S.ltiAccounts.subject, "stu-1")).get()!;
  const u = B.db.select().from(S.users).where(eq(S.users.id, link.userId)).get()!;
  expect(C.submitInCourses({ id: u.id, email: u.email, name: u.name, role: u.role }, (await B.findExercise(EX))!, "// full marks").ok).toBe(true);
  T.grade(points, points, EX);
  // Queued with the verdict, not sent: no relay runs yet.
  expect(B.db.select().from(S.ltiScoreChanges).all()).toHaveLength(1);
}, 900_000);

afterAll(async () => {
  if (web && web.exitCode === null) {
    web.kill("SIGTERM");
    await new Promise<void>((r) => (web!.exitCode !== null ? r() : web!.on("exit", () => r())));
  }
  await T.stop();
});

describe("the passback relay after a restart", () => {
  it("sends the waiting score from the web server's start, before any request reaches it", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(await freePort()), HOST: "127.0.0.1", GRADLAB_ROOT: ROOT, GRADLAB_LTI_RELAY_MS: "200", NEXT_TELEMETRY_DISABLED: "1" };
    delete env.GRADLAB_LTI_RELAY;
    web = spawn(process.execPath, ["--no-node-snapshot", join(ROOT, "server", "web-server.ts")], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    web.stdout!.on("data", (d) => (out += d));
    web.stderr!.on("data", (d) => (out += d));
    await expect.poll(() => out, { timeout: 120_000, interval: 100 }).toMatch(/web server listening/);
    await expect.poll(() => services.scores.length, { timeout: 60_000, interval: 100 }).toBe(1);
    expect(services.scores[0]).toMatchObject({ userId: "stu-1", scoreGiven: services.scores[0].scoreMaximum, gradingProgress: "FullyGraded" });
    expect(web.exitCode, out).toBeNull();
  }, 240_000);
});
