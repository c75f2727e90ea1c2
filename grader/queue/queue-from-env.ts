/**
 * Which grading queue this GradLab runs on, chosen at start-up: GRADLAB_QUEUE_URL=postgres://...
 * (or a worker's --queue) selects pg-boss on PostgreSQL; without it, the SQLite queue in the data
 * folder (the embedded default, nothing to set up).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

/** The PostgreSQL URL to queue on, or undefined for the SQLite queue; an unknown scheme is an error. */
export function queueUrl(explicit?: string): string | undefined {
  const url = (explicit ?? process.env.GRADLAB_QUEUE_URL ?? "").trim();
  if (!url) return undefined;
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(`GRADLAB_QUEUE_URL / --queue must be a PostgreSQL URL (postgres://user:password@host:5432/database), not '${url.replace(/:[^:@/]*@/, ":***@")}'`);
  }
  return url;
}

/** The pg-boss schema (GRADLAB_QUEUE_SCHEMA, default pgboss): several GradLabs can share one server. */
export function queueSchema(): string {
  return process.env.GRADLAB_QUEUE_SCHEMA ?? "pgboss";
}

/** The exercises' versions in one short hash: workers that print the same one grade alike. */
export function catalogueHash(versions: string[]): string {
  return createHash("sha256").update([...versions].sort().join("\n")).digest("hex").slice(0, 10);
}

/** How a process shows in the engine's instance registry (the admin page's worker list). */
export function instanceName(role: "worker" | "relay" | "web", catalogueVersions: string[]): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return `${role} ${hostname()}:${process.pid} gradlab-${pkg.version} exercises-${catalogueHash(catalogueVersions)}`;
}
