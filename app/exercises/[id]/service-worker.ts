/**
 * The URL the exercise page registers public/gradlab-sw.js under: the worker reads from it which
 * fingerprinted assets to install (`a`, each as the page requests it) and the build they belong to
 * (`v`, a hash of that list). A new build has new names, so a new URL: the browser installs the new
 * worker, which replaces the old cache.
 */
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { runWorkerUrl } from "../../_run/protocol.ts";
import type { StaticUrls } from "../../_run/static-urls.ts";

export const SERVICE_WORKER_SCRIPT = "/gradlab-sw.js";
/** The worker controls the exercise pages only: no other page's requests pass through it. */
export const SERVICE_WORKER_SCOPE = "/exercises/";

/** The files in a hashed folder (its URL ends in "/"), without their precompressed copies. */
function folderFiles(publicDir: string, folderUrl: string): string[] {
  try {
    return readdirSync(join(publicDir, folderUrl))
      .filter((f) => !/\.(br|gz)$/.test(f))
      .sort()
      .map((f) => `${folderUrl}${f}`);
  } catch {
    return [];
  }
}

/** What the worker installs: everything the exercise page and its workers fetch under a hashed name. */
export function precacheList(assets: StaticUrls, publicDir: string): string[] {
  return [...folderFiles(publicDir, assets.monaco), ...folderFiles(publicDir, assets.tfjs), assets.esbuildWasm, assets.ndTypes, runWorkerUrl("", assets)];
}

let cached: { key: string; url: string } | undefined;

export function serviceWorkerUrl(assets: StaticUrls, publicDir = join(process.env.GRADLAB_ROOT ?? process.cwd(), "public")): string {
  const key = JSON.stringify(assets);
  if (cached?.key !== key) {
    const list = precacheList(assets, publicDir);
    const v = createHash("sha256").update(list.join("\n")).digest("hex").slice(0, 16);
    const q = new URLSearchParams([["v", v], ...list.map((a) => ["a", a])]);
    cached = { key, url: `${SERVICE_WORKER_SCRIPT}?${q}` };
  }
  return cached.url;
}

/**
 * Registers the service worker after the page's load, when the browser is idle: its install then
 * reads the files this visit already put in the HTTP cache instead of competing with the page.
 */
export function registerServiceWorkerScript(url: string, scope: string): string {
  const args = JSON.stringify([url, scope]).replace(/</g, "\\u003c");
  return `(function(a){if(!("serviceWorker"in navigator))return;var r=function(){navigator.serviceWorker.register(a[0],{scope:a[1]}).catch(function(){})};var i=function(){(window.requestIdleCallback||setTimeout)(r,{timeout:5000})};if(document.readyState==="complete")i();else addEventListener("load",i)})(${args});`;
}
