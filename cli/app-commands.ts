/**
 * CLI commands that belong to the web app: accounts, API tokens, serving.
 *   gradlab user add <email> --role learner|instructor|admin [--password P]
 *   gradlab user list [--search s] | role <email> <role> | disable <email> [--reason r] | enable <email> | reset-link <email>
 *   gradlab token <email>
 *   gradlab regrade <exercise-id> [--user <email>] [--allow-lower] [--wait]
 *   gradlab lti add-platform|platforms|rotate-key   (cli/lti-commands.ts)
 *   gradlab start        migrate + seed, N grading workers, the built Next app on PORT
 */
import type { Command } from "commander";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { registerLtiCommands } from "./lti-commands.ts";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

async function accountsContext() {
  const { openDb } = await import("../db/client.ts");
  const { createAuth } = await import("../server/auth.ts");
  const accounts = await import("../server/accounts.ts");
  const db = openDb();
  return { db, auth: createAuth(db), ...accounts };
}

function fail(message: string): never {
  process.stderr.write(`gradlab: ${message}\n`);
  process.exit(2);
}

export function registerAppCommands(program: Command): void {
  const user = program.command("user").description("manage accounts");
  user
    .command("add")
    .description("add an account (prints a generated password when none is given)")
    .argument("<email>")
    .requiredOption("--role <role>", "learner | instructor | admin")
    .option("--password <password>", "at least 8 characters (default: generated)")
    .action(async (email: string, opts: { role: string; password?: string }) => {
      const { db, auth, addUser, isRole, AccountError } = await accountsContext();
      if (!isRole(opts.role)) fail(`unknown role '${opts.role}': use learner, instructor or admin`);
      try {
        const u = await addUser(auth, db, email, opts.role, opts.password);
        process.stdout.write(opts.password ? `added ${u.email} (${u.role})\n` : `added ${u.email} (${u.role}); password: ${u.password}\n`);
      } catch (e) {
        if (e instanceof AccountError) fail(e.message);
        throw e;
      }
    });

  registerAdminCommands(user);
  registerLtiCommands(program);

  program
    .command("token")
    .description("print an API token for `Authorization: Bearer <token>` on stdout, and its expiry on stderr (default: 365 days)")
    .argument("<email>")
    .option("--days <n>", "validity in days (at most 3650)", "365")
    .action(async (email: string, opts: { days: string }) => {
      const { db, auth, issueApiToken, AccountError } = await accountsContext();
      try {
        const days = Number(opts.days);
        const { token, expiresAt } = await issueApiToken(auth, db, email, days);
        process.stdout.write(token + "\n");
        process.stderr.write(`gradlab: this token expires ${expiresAt.toISOString()} (${days} day${days === 1 ? "" : "s"}); issue a new one before then.\n`);
      } catch (e) {
        if (e instanceof AccountError) fail(e.message);
        throw e;
      }
    });

  program
    .command("regrade")
    .description("regrade an exercise's submissions with its current version, through the queue (old results kept; a lower score replaces the old one only with --allow-lower)")
    .argument("<exercise-id>")
    .option("--user <email>", "only this learner's submissions")
    .option("--allow-lower", "store the new score even when it is lower")
    .option("--wait", "wait until the workers have regraded every submission")
    .action(async (exerciseId: string, opts: { user?: string; allowLower?: boolean; wait?: boolean }) => {
      const { openDb } = await import("../db/client.ts");
      const { users } = await import("../db/schema.ts");
      const { eq } = await import("drizzle-orm");
      const { loadCatalogue } = await import("../grader/exercises.ts");
      const { queueRegrade, regradeProgress } = await import("../grader/submissions.ts");
      const db = openDb();
      const cat = await loadCatalogue();
      const ex = cat.exercises.find((e) => e.id === exerciseId);
      if (!ex) fail(`unknown exercise '${exerciseId}' (see \`gradlab list\`)`);
      let userIds: string[] | undefined;
      if (opts.user) {
        const u = db.select({ id: users.id }).from(users).where(eq(users.email, opts.user.trim().toLowerCase())).get();
        if (!u) fail(`no user ${opts.user}`);
        userIds = [u.id];
      }
      const { batchId, total } = queueRegrade(db, { exerciseId, userIds, userId: userIds?.[0] ?? null, allowLower: !!opts.allowLower });
      process.stdout.write(`queued ${total} regrade${total === 1 ? "" : "s"} of ${exerciseId} against version ${ex.version} (batch ${batchId})${opts.allowLower ? "; lower scores allowed" : "; the higher of old and new score is kept"}\n`);
      if (opts.wait) {
        for (;;) {
          const p = regradeProgress(db, batchId)!;
          if (p.finished) {
            process.stdout.write(`done: ${p.changed} updated, ${p.keptHigher} kept the higher old score, ${p.failed} could not be graded\n`);
            break;
          }
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    });

  program
    .command("build-web")
    .description("build the web app (browser assets, then `next build`)")
    .action(() => {
      process.exitCode = buildWeb() ? 0 : 1;
    });

  program
    .command("start")
    .description("serve the web app on PORT (default 3000) with GRADLAB_WORKERS (default 2) grading workers")
    .option("--workers <n>", "grading worker processes (default GRADLAB_WORKERS or 2)")
    .action(async (opts: { workers?: string }) => {
      const { db, auth, seedDemoAccounts } = await accountsContext();
      const { dataDir } = await import("../db/client.ts");
      const port = process.env.PORT ?? "3000";
      const n = Math.max(0, Number(opts.workers ?? process.env.GRADLAB_WORKERS ?? 2) | 0);
      const seeded = await seedDemoAccounts(auth, db);
      if (seeded.length) {
        const lines = seeded.map((a) => `  ${a.role.padEnd(11)} ${a.email.padEnd(26)} ${a.password}`);
        process.stdout.write(`\nFirst start: demo accounts created (passwords shown only this once):\n${lines.join("\n")}\n\n`);
      }
      if (!existsSync(join(ROOT, ".next", "BUILD_ID")) || !existsSync(join(ROOT, "public", "gradlab", "manifest.json"))) {
        process.stdout.write("The web app is not built yet: building it now (`npm run build`, a few minutes, once).\n");
        if (!buildWeb()) fail("the web app build failed (see above)");
      }
      const env = { ...process.env, PORT: port, GRADLAB_DATA_DIR: dataDir(), GRADLAB_ROOT: ROOT };
      const children = new Set<ChildProcess>();
      let stopping = false;
      // `command`: worker, or relay (the web server's side of a PostgreSQL queue, GRADLAB_QUEUE_URL).
      const startWorker = (i: number, command = "worker") => {
        const w = spawn(process.execPath, ["--no-node-snapshot", join(ROOT, "bin", "gradlab.js"), command], { env, stdio: ["ignore", "inherit", "inherit"] });
        children.add(w);
        w.on("exit", (code, sig) => {
          children.delete(w);
          if (stopping) return;
          process.stderr.write(`gradlab: ${command} ${i} exited (${sig ?? code}); restarting it\n`);
          setTimeout(() => !stopping && startWorker(i, command), 1000);
        });
      };
      if (process.env.GRADLAB_QUEUE_URL) startWorker(0, "relay");
      for (let i = 0; i < n; i++) startWorker(i);
      // Next behind the request guards (body limits, cross-site checks, headers): server/web-server.ts.
      const args = [join(ROOT, "server", "web-server.ts")];
      const web = spawn(process.execPath, args, { cwd: ROOT, env: { ...env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --no-node-snapshot`.trim() }, stdio: ["ignore", "inherit", "inherit"] });
      children.add(web);
      process.stdout.write(`GradLab on http://localhost:${port} (data: ${dataDir()}, ${n} grading worker${n === 1 ? "" : "s"}${process.env.GRADLAB_QUEUE_URL ? " here, on the PostgreSQL queue" : ""})\n`);
      const stop = (sig: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        for (const c of children) c.kill(sig === "SIGINT" ? "SIGTERM" : sig);
        const force = setTimeout(() => {
          for (const c of children) c.kill("SIGKILL");
        }, 8000);
        force.unref();
        const check = setInterval(() => {
          if (children.size === 0) {
            clearInterval(check);
            process.exit(0);
          }
        }, 50);
      };
      web.on("exit", (code, sig) => {
        children.delete(web);
        if (!stopping) {
          process.stderr.write(`gradlab: the web server exited (${sig ?? code}); stopping\n`);
          stop("SIGTERM");
          process.exitCode = 1;
        }
      });
      process.on("SIGINT", () => stop("SIGINT"));
      // Started through a wrapper (bin/gradlab.js re-runs node with a flag): stop with it.
      const parent = process.ppid;
      setInterval(() => process.ppid !== parent && stop("SIGTERM"), 1000).unref();
      process.on("SIGTERM", () => stop("SIGTERM"));
      await new Promise(() => {});
    });
}

/** Browser assets (Monaco, the Run worker, types) then `next build`. */
export function buildWeb(): boolean {
  const node = process.execPath;
  // The Run assets record the solutions' visible runs in the sandbox (isolated-vm needs the flag).
  const assets = spawnSync(node, ["--no-node-snapshot", join(ROOT, "app", "_build", "build-assets.ts")], { cwd: ROOT, stdio: "inherit" });
  if (assets.status !== 0) return false;
  const next = spawnSync(node, [join(ROOT, "node_modules", "next", "dist", "bin", "next"), "build"], { cwd: ROOT, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  return next.status === 0;
}

/**
 * What an admin scripts from the console (server/admin/): through better-auth's admin plugin,
 * acting as an admin account (`--as <email>`, else the oldest admin).
 */
function registerAdminCommands(user: Command): void {
  const run = async (as: string | undefined, fn: (a: import("../server/admin/accounts-admin.ts").Acting, m: typeof import("../server/admin/accounts-admin.ts")) => Promise<void>) => {
    const { db, auth } = await accountsContext();
    const m = await import("../server/admin/accounts-admin.ts");
    try {
      await m.withOperator(auth, db, as, (a) => fn(a, m));
    } catch (e) {
      if (e instanceof m.AdminError) fail(e.message);
      throw e;
    }
  };
  const AS = ["--as <admin-email>", "the admin account to act as (default: the oldest admin)"] as const;
  user
    .command("list")
    .description("list accounts (email, role, disabled), by email")
    .option("--search <text>", "only emails containing this")
    .option(...AS)
    .action((opts: { search?: string; as?: string }) =>
      run(opts.as, async (a, m) => {
        for (let offset = 0; ; offset += m.PAGE_SIZE) {
          const page = await m.listUsers(a, { search: opts.search, offset });
          for (const u of page.users) process.stdout.write(`${u.email}\t${u.role}${u.disabled ? `\tdisabled${u.disabledReason ? ` (${u.disabledReason})` : ""}` : ""}\n`);
          if (offset + m.PAGE_SIZE >= page.total) break;
        }
      }),
    );
  user
    .command("role")
    .description("change an account's global role")
    .argument("<email>")
    .argument("<role>", "learner | instructor | admin")
    .option(...AS)
    .action((email: string, role: string, opts: { as?: string }) =>
      run(opts.as, async (a, m) => {
        const u = await m.setRole(a, m.userIdByEmail(a.db, email), role);
        process.stdout.write(`${u.email} is now ${u.role}\n`);
      }),
    );
  user
    .command("disable")
    .description("disable an account: no sign-in; its sessions and API tokens end now")
    .argument("<email>")
    .option("--reason <text>", "shown to admins")
    .option(...AS)
    .action((email: string, opts: { reason?: string; as?: string }) =>
      run(opts.as, async (a, m) => {
        const u = await m.disableUser(a, m.userIdByEmail(a.db, email), opts.reason);
        process.stdout.write(`${u.email} is disabled\n`);
      }),
    );
  user
    .command("enable")
    .description("re-enable a disabled account")
    .argument("<email>")
    .option(...AS)
    .action((email: string, opts: { as?: string }) =>
      run(opts.as, async (a, m) => {
        const u = await m.enableUser(a, m.userIdByEmail(a.db, email));
        process.stdout.write(`${u.email} is enabled\n`);
      }),
    );
  user
    .command("reset-link")
    .description(`print a one-time password-reset link (valid ${24} hours) to hand to the account's owner`)
    .argument("<email>")
    .option("--base-url <url>", "where the app is reached (default: GRADLAB_BASE_URL or http://localhost:PORT)")
    .option(...AS)
    .action((email: string, opts: { baseUrl?: string; as?: string }) =>
      run(opts.as, async (a, m) => {
        const base = opts.baseUrl ?? process.env.GRADLAB_BASE_URL ?? `http://localhost:${process.env.PORT ?? "3000"}`;
        const link = await m.passwordResetLink(a, m.userIdByEmail(a.db, email), base);
        process.stdout.write(link.url + "\n");
        process.stderr.write(`gradlab: valid until ${new Date(link.expiresAt).toISOString()}, once.\n`);
      }),
    );
}
