import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

export default defineConfig({
  resolve: {
    alias: {
      "gradlab/nd": fileURLToPath(new URL("./lib/nd/index.ts", import.meta.url)),
      "gradlab/checks": fileURLToPath(new URL("./lib/checks/index.ts", import.meta.url)),
    },
  },
  test: {
    include: ["lib/**/*.test.ts", "grader/**/*.test.ts", "server/**/*.test.ts", "cli/**/*.test.ts", "datasets/**/*.test.ts", "exercises/**/*.test.ts", "tests/**/*.test.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
