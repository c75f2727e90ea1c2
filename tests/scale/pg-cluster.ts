/**
 * A private PostgreSQL cluster for one test file, on a port of its own, that the test may restart
 * without disturbing other tests: from the binaries scripts/postgres.sh found (GRADLAB_TEST_PG_BIN).
 * PostgreSQL refuses to run as root: as root it runs as the `postgres` user.
 */
import { execFileSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PrivateCluster {
  url: string;
  port: number;
  restart(): void;
  stop(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startPrivateCluster(): Promise<PrivateCluster> {
  const bin = process.env.GRADLAB_TEST_PG_BIN;
  if (!bin) throw new Error("GRADLAB_TEST_PG_BIN is not set: run the tests through scripts/test.sh (scripts/postgres.sh sets it)");
  const dir = mkdtempSync(join(tmpdir(), "gradlab-pg-private-"));
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? execFileSync("id", ["-u", "postgres"]).toString().trim() : "";
  if (asRoot) chownSync(dir, Number(ids), Number(execFileSync("id", ["-g", "postgres"]).toString().trim()));
  const run = (cmd: string, args: string[]) =>
    asRoot ? execFileSync("runuser", ["-u", "postgres", "--", join(bin, cmd), ...args], { stdio: "pipe" }) : execFileSync(join(bin, cmd), args, { stdio: "pipe" });
  const data = join(dir, "data");
  run("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`;
  const ctl = (...args: string[]) => run("pg_ctl", ["-D", data, "-l", join(dir, "server.log"), "-w", "-t", "60", ...args]);
  ctl("start", "-o", options);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    restart: () => void ctl("restart", "-m", "fast", "-o", options),
    stop: () => {
      try {
        ctl("stop", "-m", "immediate");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
