/**
 * What the exercise page starts before it hydrates (server component): an inline script starts
 * the Run worker and its "prepare" (app/_run/early-run.ts); the workbench adopts it.
 * Monaco's bundle is not preloaded: Chromium parses a preloaded script on a background thread as
 * it arrives (1.6 s of CPU for editor.js on a second visit, traced in session 8), which on two
 * cores slowed the page and the Run worker; Monaco loads after Run is usable (Workbench.tsx).
 * (A service worker that precached the hashed assets for later visits was tried in session 5 and
 * removed: side by side it gained nothing on a second visit and cost 0.5-1.5 s more browser CPU.)
 */
import { headers } from "next/headers";
import { earlyRunScript } from "../../_run/early-run.ts";
import { runWorkerUrl } from "../../_run/protocol.ts";
import { runTimeoutMs } from "../../_run/run-timeout.ts";
import type { RunSeed } from "../../_run/protocol.ts";
import type { StaticUrls } from "../../_run/static-urls.ts";

/** The page's CSP nonce (server/request-guard.ts puts the policy on the request for Next). */
async function cspNonce(): Promise<string | undefined> {
  const csp = (await headers()).get("content-security-policy") ?? "";
  return /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
}

export async function EarlyRun(props: {
  assets: StaticUrls | null;
  exercise: { id: string; timeoutMs: number };
  run: { run: boolean; driver: boolean };
  /** The page's ?backend= (the Run worker's URL carries it, as the workbench's does). */
  backend: string | undefined;
  /** The code the page opens with, transpiled (server runSeed). */
  seed: RunSeed | undefined;
}) {
  const { assets, exercise, run } = props;
  if (!assets) return null;
  if (!run.run) return null;
  const nonce = await cspNonce();
  const url = runWorkerUrl(props.backend ? `?${new URLSearchParams({ backend: props.backend })}` : "", assets);
  const script = earlyRunScript(url, { type: "prepare", exerciseId: exercise.id, timeoutMs: runTimeoutMs(exercise.timeoutMs), hasDriver: run.driver, ...(props.seed ? { seed: props.seed } : {}) });
  return <script nonce={nonce} dangerouslySetInnerHTML={{ __html: script }} />;
}
