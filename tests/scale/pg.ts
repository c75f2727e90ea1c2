/**
 * PostgreSQL for the tests that need a real one. scripts/test.sh (and .ci/run) start it with
 * scripts/postgres.sh, which sets GRADLAB_TEST_PG_URL to a database made for the run. Without it
 * these tests fail, saying how to get one; GRADLAB_SKIP_PG_TESTS=1 skips them instead (locally only:
 * not when CI is set).
 */
import { randomBytes } from "node:crypto";
import { describe } from "vitest";

export const PG_URL = process.env.GRADLAB_TEST_PG_URL;

const HOW =
  "GRADLAB_TEST_PG_URL is not set: these tests need PostgreSQL. Run them through scripts/test.sh, or first " +
  '`eval "$(bash scripts/postgres.sh)"` (it starts a throwaway cluster on 127.0.0.1:5432 when none listens). ' +
  "To skip them locally instead, set GRADLAB_SKIP_PG_TESTS=1.";

/**
 * `describe` for a suite that needs PostgreSQL: runs it with the URL; skips it (saying so) only
 * when GRADLAB_SKIP_PG_TESTS=1; otherwise fails the run with how to set PostgreSQL up.
 */
export function describeWithPostgres(name: string, body: (url: string) => void): void {
  const url = PG_URL;
  if (url) {
    describe(name, () => body(url));
    return;
  }
  // Skipping is for a local machine without PostgreSQL: CI always runs these.
  if (process.env.GRADLAB_SKIP_PG_TESTS === "1" && !process.env.CI) {
    process.stderr.write(`skipping "${name}": GRADLAB_SKIP_PG_TESTS=1 (no PostgreSQL)\n`);
    describe.skip(name, () => body(""));
    return;
  }
  throw new Error(`${name}: ${HOW}`);
}

/** A pg-boss schema of its own for one test: tests running side by side never share jobs. */
export function freshSchema(prefix = "t"): string {
  return `${prefix}_${randomBytes(5).toString("hex")}`;
}
