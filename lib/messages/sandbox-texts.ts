/**
 * The grader's words about the learner's code that are written outside the checks: by the sandbox
 * (limits, a module that threw or did not compile), inside the isolate (the harness, the wire
 * encoder's reasons a value cannot be carried, value descriptions) or in a sandbox child process.
 * `en`'s memory does not reach those places (another process; an isolate whose globals the learner
 * may have replaced, where none of our code but the hardened harness runs), so the host recognises
 * their English here (`sandboxText`) and makes it again with `en`: it then carries a key, and zh-CN
 * and every other language render it. The learner's own words inside (a thrown message, an export's
 * name, a compiler's diagnostic) stay as they are.
 *
 * The grader's own copies (grade.ts, grader/sandbox/isolate-transport.ts, child-transport.ts) call
 * these makers; the isolate's and the session's (grader/sandbox/harness.ts, lib/wire.ts,
 * lib/sandbox/transport.ts, lib/sandbox/missing-globals.ts) keep plain literals, and
 * lib/messages/sandbox-texts.test.ts fails when the two drift apart.
 */
import { en, retag, type TextMaker } from "./text.ts";

/** What the learner's code was doing when a limit stopped it ("while running softmax"). */
export const sandboxActivity = {
  loading: () => en`loading your module`,
  exports: () => en`reading your exports`,
  running: (fn: string) => en`running ${fn}`,
  storing: () => en`storing an input`,
  reading: () => en`reading a value back`,
  starting: () => en`starting the sandbox`,
};

/** Limits, and a module that did not load: the grade's message (and each check's output). */
export const sandboxMessages = {
  timeLimit: (secs: string) =>
    en`Time limit exceeded: your code ran longer than this exercise allows (${secs} s in all). Look for an infinite loop or a loop that does far more work than needed.`,
  timeLimitWhile: (what: string, secs: string) =>
    en`Time limit exceeded: your code did not finish ${what} within this exercise's limit (${secs} s); the sandbox was stopped. Look for an infinite loop, a never-settling promise, or far more work than needed.`,
  cpuLimit: () => en`Time limit exceeded: your code used more CPU time than this exercise allows.`,
  memoryLimit: (mib: string, what: string) =>
    en`Memory limit exceeded: your code used more than the ${mib} MiB this exercise allows (while ${what}). Look for arrays that grow without bound or copies made inside a loop.`,
  processMemoryLimit: (mib: string) =>
    en`Memory limit exceeded: the sandbox process ran out of memory (limit ${mib} MiB for your code). Look for arrays that grow without bound, huge allocations, or copies made inside a loop.`,
  alreadyStopped: () => en`The sandbox was already stopped by an earlier limit.`,
  tooBig: (bytes: string, limit: string) => en`Your file is ${bytes} bytes; the limit is ${limit} bytes.`,
  /** `diagnostics`: the compiler's own words, shown as they are. */
  doesNotCompile: (diagnostics: string) => en`Your code does not compile:\n${diagnostics}`,
  couldNotCompile: (diagnostics: string) => en`Your code could not be compiled: ${diagnostics}`,
  threwWhileLoading: (message: string) => en`Your module threw while loading: ${message}`,
  /** A load failure with the learner's file:line. */
  at: (message: string, where: string) => en`${message} (at ${where})`,
  internalError: (what: string, ref: string) => en`Internal grader error ${what} (not your fault; the submission can be regraded). Reference for staff: ${ref}.`,
  whileLoading: () => en`while loading your module`,
  whileChecking: () => en`while running the checks`,
  overSize: () => en`the sandbox produced a reply over its size limit (was a global the grader relies on replaced?)`,
};

/** What the harness and the session say about a call that went wrong outside the learner's own words. */
const sessionTexts = {
  unreadableThrow: () => en`(the thrown value could not be read)`,
  /** The name the harness gives a thrown value that is not an object ("threw thrown value: 3"). */
  thrownValue: () => en`thrown value`,
  badImport: (name: string) => en`Cannot import ${name}: exercise code may import only "gradlab/nd".`,
  noLoadAnswer: () => en`the sandbox did not answer as expected while loading your module`,
  unreadableResult: () => en`the sandbox returned a result that could not be read (was a harness global overwritten?)`,
  unexpectedResult: () => en`the sandbox returned an unexpected result`,
};

/** lib/sandbox/missing-globals.ts: an API the sandbox does not have, and why (`prefix`: what V8 said before it). */
const missingGlobals = {
  notAvailable: (prefix: string, name: string, why: string) => en`${prefix}\`${name}\` is not available in the grader: ${why}.`,
  network: () => en`your code runs in a sandbox without network access; remove it`,
  timers: () => en`exercise functions run synchronously and nothing runs after they return; do the work directly (in a loop) instead of scheduling it`,
  node: () => en`your code runs in a plain JavaScript sandbox, not Node.js; exercise code may import only from "gradlab/nd"`,
  require: () => en`your code runs in a plain JavaScript sandbox, not Node.js; exercise code may import only from "gradlab/nd" (write \`import { ... } from "gradlab/nd"\` instead of require)`,
  buffer: () => en`your code runs in a plain JavaScript sandbox, not Node.js; exercise code may import only from "gradlab/nd" (use Float64Array or Uint8Array instead of Buffer)`,
  module: () => en`your code runs in a plain JavaScript sandbox, not Node.js; exercise code may import only from "gradlab/nd" (use \`export function ...\` instead of module.exports)`,
  exports: () => en`your code runs in a plain JavaScript sandbox, not Node.js; exercise code may import only from "gradlab/nd" (use \`export function ...\` instead of exports.name = ...)`,
  global: () => en`your code runs in a plain JavaScript sandbox, not Node.js; exercise code may import only from "gradlab/nd" (use globalThis)`,
  page: () => en`your code runs in a sandbox with no web page, storage or DOM; remove it`,
  window: () => en`your code runs in a sandbox with no web page, storage or DOM; remove it (use globalThis for the global object)`,
  alert: () => en`your code runs in a sandbox with no web page, storage or DOM; remove it (use console.log)`,
  crypto: () => en`the sandbox has no crypto API; for random numbers use Math.random or the generator the exercise passes you`,
  tf: () => en`TensorFlow.js is not available to exercise code; implement it with gradlab/nd`,
  wasm: () => en`WebAssembly is not available to exercise code`,
};

/** lib/wire.ts's `describe`: what a value is, never its contents beyond a short string. */
const valueDescriptions = {
  string: (quoted: string) => en`the string ${quoted}`,
  arrayOfLength: (n: string) => en`an array of length ${n}`,
  array: () => en`an array`,
  object: () => en`an object`,
  boolean: () => en`a boolean`,
  fn: () => en`a function`,
  bigint: () => en`a bigint`,
  symbol: () => en`a symbol`,
};

/** lib/wire.ts's reasons a returned value cannot be carried to the grader (InvalidValue.why). */
const invalidValues = {
  tooManyNumbers: (n: string) => en`the value holds more than ${n} numbers in all (the result size limit)`,
  bigInt64: () => en`a BigInt64Array (use Float64Array)`,
  nested: (n: string) => en`nested more than ${n} levels deep`,
  longString: (n: string, limit: string) => en`a string of ${n} characters (limit ${limit})`,
  bigintValue: () => en`a bigint (use a plain number)`,
  badLength: () => en`an array whose length is not a valid size`,
  longArray: (n: string, limit: string) => en`an array of ${n} items (limit ${limit})`,
  manyKeys: (n: string, limit: string) => en`an object with ${n} keys (limit ${limit})`,
  longKey: (n: string, limit: string) => en`an object with a key of ${n} characters (limit ${limit})`,
  shapeNotArray: (what: string) => en`a tensor-like object whose shape is ${what}, not an array of sizes`,
  rank: (rank: string) => en`a tensor-like object with ${rank} dimensions (limit 8)`,
  badSize: (what: string) => en`a tensor-like object whose shape contains ${what} (sizes must be non-negative integers)`,
  dataNotNumbers: (what: string) => en`a tensor-like object whose data is ${what}, not an array of numbers`,
  dataLength: (dims: string, n: string, length: string) => en`a tensor-like object with shape [${dims}] (${n} elements) but data of length ${length}`,
  tooLarge: (n: string) => en`a value too large to carry (more than ${n} characters of structure and text)`,
  uncarried: () => en`a value that could not be carried`,
};

/** Every maker, the longest English first (so a short, general one never wins over a specific one). */
let all: TextMaker[] | undefined;
function makers(): TextMaker[] {
  if (!all) {
    const list: TextMaker[] = [sandboxActivity, sandboxMessages, sessionTexts, missingGlobals, valueDescriptions, invalidValues].flatMap((o) => Object.values(o) as TextMaker[]);
    const literal = (m: TextMaker) => m(...Array.from({ length: m.length }, () => "")).length;
    all = list.sort((a, b) => literal(b) - literal(a));
  }
  return all;
}

/** `text` with its key when the sandbox wrote it (see above); anything else as it is. */
export function sandboxText(text: string): string {
  return retag(text, makers());
}
