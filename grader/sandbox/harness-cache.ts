/**
 * V8's code cache for the harness, kept inside ONE sandbox child: its first isolate compiles the
 * harness and produces the cache, before the child has received anything but `open`; its later
 * isolates (one per submission, child-pool.ts) compile the same harness with it (~2 of ~9 ms of CPU
 * per isolate set-up, bench/results/issue-19.md). Nothing here crosses processes, and once the
 * child has taken any other request (a driver, learner code, a call) the cache is sealed: a cache
 * produced by an isolate that learner code could have touched cannot exist. V8 checks the cache
 * against the source and its flags, and compiles from source when it rejects it.
 */
import type ivm from "isolated-vm";

export class HarnessCodeCache {
  private data: ivm.ExternalCopy<ArrayBuffer> | undefined;
  private source: string | undefined;
  private sealed = false;

  /** No cache is produced from now on (the child has taken a request other than `open`). */
  seal(): void {
    this.sealed = true;
  }

  /** Compile options for this harness: the cache if it was produced for this very source, else produce one while still allowed. */
  options(source: string): ivm.CachedDataOptions {
    if (this.data && this.source === source) return { cachedData: this.data };
    return this.sealed || this.data ? {} : { produceCachedData: true };
  }

  /** Keep what the compile produced (only while unsealed, and only once). */
  compiled(source: string, script: ivm.Script & ivm.CachedDataResult): void {
    if (this.sealed || this.data || !script.cachedData) return;
    this.data = script.cachedData;
    this.source = source;
  }
}
