/**
 * The server layer on a fresh data folder, for integration tests: the environment is set before
 * the first import of server/ (it opens the database from GRADLAB_DATA_DIR once per process).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type { SessionUser as User } from "../../server/context.ts";

export async function serverUnderTest(name: string, env: Record<string, string> = {}) {
  process.env.GRADLAB_DATA_DIR = mkdtempSync(join(tmpdir(), `gradlab-${name}-`));
  Object.assign(process.env, env);
  const ctx = await import("../../server/context.ts");
  const C = await import("../../server/courses/index.ts");
  const B = await import("../../server/index.ts");
  const A = await import("../../server/accounts.ts");
  return { ctx, C, B, A };
}
