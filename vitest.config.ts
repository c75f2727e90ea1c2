import { configDefaults, defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const ALL = ["lib/**/*.test.ts", "grader/**/*.test.ts", "server/**/*.test.ts", "cli/**/*.test.ts", "datasets/**/*.test.ts", "exercises/**/*.test.ts", "tests/**/*.test.ts"];

/**
 * The files that keep the CPU busy for long (grading the whole catalogue, the red team's sandbox
 * limits, worker processes against pg-boss, tfjs on SwiftShader) or time leases and budgets.
 * `GRADLAB_TEST_LANES=2 bash scripts/test.sh` runs them in a lane of their own, one at a time, beside
 * the other files, so that two of them never compete for the same two cores.
 */
const HEAVY = [
  "tests/grader/catalogue.test.ts",
  "tests/grader/grader-texts.test.ts",
  "tests/grader/training-integrity.test.ts",
  "tests/grader/worker-faults.test.ts",
  "tests/grader/cli.test.ts",
  "tests/scale/surge.test.ts",
  "tests/scale/faults.test.ts",
  "tests/redteam/redteam.test.ts",
  "tests/redteam/queue-stall.test.ts",
  "tests/e2e/run-backends.test.ts",
];

export default defineConfig({
  resolve: {
    alias: {
      "gradlab/nd": fileURLToPath(new URL("./lib/nd/index.ts", import.meta.url)),
      "gradlab/checks": fileURLToPath(new URL("./lib/checks/index.ts", import.meta.url)),
    },
  },
  test: {
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll waits on a condition (a verdict on screen, a saved draft); Vitest's default gives it
    // 1 s, which a shared 2-core machine under load misses while the page is still working.
    expect: { poll: { timeout: 30_000, interval: 100 } },
    // `vitest run` runs both (one file at a time on two cores); `--project heavy` / `--project main` one lane.
    projects: [
      { extends: true, test: { name: "heavy", include: HEAVY } },
      { extends: true, test: { name: "main", include: ALL, exclude: [...configDefaults.exclude, ...HEAVY] } },
    ],
  },
});
