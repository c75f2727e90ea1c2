/** How the worker opens a sandbox (the bench measures the same path), and the path without the pool. */
import { ChildTransport } from "../grader/sandbox/child-transport.ts";
import { sharedChildPool } from "../grader/sandbox/child-pool.ts";

/** The worker's default: a sandbox child from the warm pool (one child per submission). */
export function sandboxOpen() {
  return sharedChildPool().open;
}

/** A sandbox child started on demand for the submission (no pool). */
export function sandboxOpenCold() {
  return ChildTransport.open;
}

export function sandboxOpenName(): string {
  return "sharedChildPool().open: a sandbox child (bubblewrap + prlimit) per submission, started ahead of time by the warm pool";
}

export function closeSandboxes(): void {
  sharedChildPool().close();
}
