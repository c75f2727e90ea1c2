/**
 * Run starts before the page hydrates. The exercise page's HTML carries a small inline script
 * (earlyRunScript, rendered by app/exercises/[id]/EarlyRun.tsx with the CSP nonce) that creates
 * the Run worker and sends it "prepare" as soon as the browser parses it: tfjs, its backend and
 * esbuild-wasm then start on another thread while Next's scripts load and the page hydrates
 * (~2 s on a second visit, most of it on the main thread). The workbench adopts that worker
 * (takeEarlyRun) instead of starting another, and replays the "ready" it may have missed.
 */
import type { RunReply, RunRequest } from "./protocol.ts";

/** What the inline script leaves on `window` for the workbench. */
export interface EarlyRun {
  /** The worker's URL: adopted only when the workbench would start the same one. */
  url: string;
  worker: Worker;
  /** The worker's "ready", when it came before the workbench listened. */
  ready: Extract<RunReply, { type: "ready" }> | null;
  /** An error the worker raised before the workbench listened. */
  error: string | null;
}

const KEY = "__gradlabEarlyRun";

/**
 * The inline script's text: starts the worker at `workerUrl` and sends it `prepare`. The JSON is
 * embedded with `<` escaped, so no value can close the script element.
 */
export function earlyRunScript(workerUrl: string, prepare: Extract<RunRequest, { type: "prepare" }>): string {
  const config = JSON.stringify({ url: workerUrl, prepare }).replace(/</g, "\\u003c");
  return `(function(c){try{var w=new Worker(c.url,{type:"module",name:"gradlab-run"});var e={url:c.url,worker:w,ready:null,error:null};w.addEventListener("message",function(m){if(m.data&&m.data.type==="ready")e.ready=m.data});w.addEventListener("error",function(m){e.error=m.message||"error"});w.postMessage(c.prepare);window.${KEY}=e}catch(_){}})(${config});`;
}

/**
 * The worker the inline script started, when it runs `url` (the workbench's own choice); taken
 * once: a later start (another exercise, a remount) makes its own. Another URL: that early
 * worker is ended and undefined returned.
 */
export function takeEarlyRun(url: string): EarlyRun | undefined {
  const w = window as unknown as Record<string, EarlyRun | undefined>;
  const early = w[KEY];
  if (!early) return undefined;
  w[KEY] = undefined;
  if (early.url === url) return early;
  early.worker.terminate();
  return undefined;
}
