/**
 * Per-verdict CPU records for the bench's breakdown: with GRADLAB_PROFILE_LOG=<file>, the worker's
 * threads append one JSON line per graded job (this thread's CPU ms, by phase). Off (no cost)
 * without it.
 */
import { appendFileSync } from "node:fs";

const file = process.env.GRADLAB_PROFILE_LOG;

export const profiling = (): boolean => !!file;

/** This thread's CPU time so far, ms. */
export function threadCpuMs(): number {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
}

/** `thread`: grading (the grading thread) or main (the queue's side: database, storing the result). */
export function profileRecord(thread: "grading" | "main", fields: Record<string, number | string>): void {
  if (!file) return;
  try {
    appendFileSync(file, JSON.stringify({ thread, pid: process.pid, ...fields }) + "\n");
  } catch {
    /* a profile is best effort */
  }
}
