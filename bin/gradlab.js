#!/usr/bin/env node
// The gradlab CLI. isolated-vm needs Node's startup snapshot off, so re-run with the flag once.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const flag = "--no-node-snapshot";
if (!process.execArgv.includes(flag) && !(process.env.NODE_OPTIONS ?? "").includes(flag)) {
  const r = spawnSync(process.execPath, [flag, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(r.status ?? (r.signal ? 128 + 9 : 1));
}
const major = Number(process.versions.node.split(".")[0]);
if (major < 24) {
  console.error(`gradlab needs Node 24 or later (this is ${process.version}); see README.md.`);
  process.exit(2);
}
await import("../grader/cli/main.ts");
