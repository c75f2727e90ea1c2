/**
 * Plain words for learner code that names a web or Node API the sandbox does not have: a bare
 * "ReferenceError: fetch is not defined" reads like a bug in the learner's code, when the API is
 * absent on purpose. Shared by the grader and the browser Run (both decode errors in PacketSession).
 */

const NETWORK = "your code runs in a sandbox without network access; remove it";
const TIMERS = "exercise functions run synchronously and nothing runs after they return; do the work directly (in a loop) instead of scheduling it";
const NODE = "your code runs in a plain JavaScript sandbox, not Node.js; exercise code may import only from \"gradlab/nd\"";
const PAGE = "your code runs in a sandbox with no web page, storage or DOM; remove it";

const WHY: Record<string, string> = {
  fetch: NETWORK,
  XMLHttpRequest: NETWORK,
  WebSocket: NETWORK,
  EventSource: NETWORK,
  Request: NETWORK,
  Response: NETWORK,
  Headers: NETWORK,
  navigator: NETWORK,
  importScripts: NETWORK,
  setTimeout: TIMERS,
  setInterval: TIMERS,
  setImmediate: TIMERS,
  clearTimeout: TIMERS,
  clearInterval: TIMERS,
  requestAnimationFrame: TIMERS,
  require: `${NODE} (write \`import { ... } from "gradlab/nd"\` instead of require)`,
  process: NODE,
  Buffer: `${NODE} (use Float64Array or Uint8Array instead of Buffer)`,
  module: `${NODE} (use \`export function ...\` instead of module.exports)`,
  exports: `${NODE} (use \`export function ...\` instead of exports.name = ...)`,
  __dirname: NODE,
  __filename: NODE,
  global: `${NODE} (use globalThis)`,
  window: `${PAGE} (use globalThis for the global object)`,
  self: `${PAGE} (use globalThis for the global object)`,
  document: PAGE,
  localStorage: PAGE,
  sessionStorage: PAGE,
  indexedDB: PAGE,
  alert: `${PAGE} (use console.log)`,
  crypto: "the sandbox has no crypto API; for random numbers use Math.random or the generator the exercise passes you",
  tf: "TensorFlow.js is not available to exercise code; implement it with gradlab/nd",
  WebAssembly: "WebAssembly is not available to exercise code",
};

const PATTERNS: RegExp[] = [
  /(?:^|: )(\w+) is not defined$/, // ReferenceError, also at the end of "Your module threw while loading: …"
  /(?:^|: )(?:globalThis|window|self|global)\.(\w+) is not a (?:function|constructor)$/, // TypeError
];

/**
 * The learner-facing message for an error, rewritten when V8 says a known API is missing:
 * "fetch is not defined" becomes "`fetch` is not available in the grader: your code runs in a
 * sandbox without network access; remove it." Other messages come back unchanged.
 */
export function explainMissingGlobal(message: string): string {
  for (const re of PATTERNS) {
    const m = re.exec(message);
    if (!m || !Object.hasOwn(WHY, m[1])) continue;
    const at = m.index + (m[0].startsWith(": ") ? 2 : 0);
    return `${message.slice(0, at)}\`${m[1]}\` is not available in the grader: ${WHY[m[1]]}.`;
  }
  return message;
}
