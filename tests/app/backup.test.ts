// Backups (issue 15 item 8): `gradlab backup` while the server's database is open and being
// written, `gradlab restore` into a fresh data folder, and every submission read back; a restore
// over a database is refused without --force and, with it, moves the old files aside.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const source = mkdtempSync(join(tmpdir(), "gradlab-backup-src-"));
process.env.GRADLAB_DATA_DIR = source;

type User = import("../../server/context.ts").SessionUser;
const ctx = await import("../../server/context.ts");
const B = await import("../../server/index.ts");
const A = await import("../../server/accounts.ts");

function gradlab(dataDir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ["--no-node-snapshot", join(ROOT, "bin", "gradlab.js"), ...args], {
    cwd: ROOT,
    env: { ...process.env, GRADLAB_DATA_DIR: dataDir },
    encoding: "utf8",
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const rows = (dir: string) => {
  const db = new Database(join(dir, "gradlab.sqlite"), { readonly: true });
  try {
    return db.prepare("select id, user_id, exercise_id, code from submissions order by id").all() as { id: string; code: string }[];
  } finally {
    db.close();
  }
};

let learner: User;
const work = mkdtempSync(join(tmpdir(), "gradlab-backup-"));

beforeAll(async () => {
  const r = await A.addUser(ctx.auth, ctx.db, "ada@backup.org", "learner");
  learner = { id: r.id, email: r.email, name: "ada", role: "learner" };
  for (let i = 0; i < 3; i++) {
    const out = await B.submit(learner, { exerciseId: ["dense", "mse", "activations"][i], code: `// attempt ${i} — 反向传播 ${"x".repeat(i * 1000)}` });
    if (!out.ok) throw new Error(`submit refused: ${out.error}`);
  }
}, 120_000);

afterAll(() => ctx.db.$client.close());

describe("gradlab backup / restore", () => {
  it("backs up while the database is open, restores into a fresh folder, and every submission reads back", () => {
    const file = join(work, "gradlab-backup.zip");
    const b = gradlab(source, "backup", file);
    expect(b.err).toBe("");
    expect(b.code).toBe(0);
    expect(b.out).toMatch(/3 submissions/);

    const fresh = join(work, "fresh");
    const r = gradlab(fresh, "restore", file);
    expect(r.code, r.err).toBe(0);
    expect(rows(fresh)).toEqual(rows(source));
    expect(rows(fresh).map((s) => s.code)).toEqual(expect.arrayContaining(["// attempt 0 — 反向传播 "]));
    // The auth secret travels too: sessions and tokens stay valid after a restore.
    expect(readFileSync(join(fresh, "auth-secret"), "utf8")).toBe(readFileSync(join(source, "auth-secret"), "utf8"));
  }, 120_000);

  it("refuses to restore over a database without --force, and with it moves the old files aside", () => {
    const file = join(work, "gradlab-backup.zip");
    const target = join(work, "fresh");
    const refused = gradlab(target, "restore", file);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/already holds a GradLab database: stop the server and pass --force/);

    const forced = gradlab(target, "restore", file, "--force");
    expect(forced.code, forced.err).toBe(0);
    const aside = readdirSync(target).filter((n) => n.startsWith("before-restore-"));
    expect(aside).toHaveLength(1);
    expect(existsSync(join(target, aside[0]!, "gradlab.sqlite"))).toBe(true);
    expect(rows(target)).toHaveLength(3);
  }, 120_000);

  it("says what is wrong with a file that is not a backup", () => {
    const junk = join(work, "junk.zip");
    writeFileSync(junk, "not a zip");
    const r = gradlab(join(work, "other"), "restore", junk);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is not a GradLab backup/);
    const none = gradlab(join(work, "empty-source"), "backup", join(work, "x.zip"));
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/holds no GradLab database/);
  }, 120_000);
});
