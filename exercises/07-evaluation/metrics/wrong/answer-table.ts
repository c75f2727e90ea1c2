// Mistake: hard-coded answers (an answer table). The visible cases' answers are stored, keyed by a
// fingerprint of their inputs (9 visible calls); any other input gets zeros. Stands for every
// submission that memorises the visible checks: the hidden cases must stop it short of full marks.
function accuracy__answer(pred: Int32Array, labels: Int32Array): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) correct++;
  return correct / labels.length;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

function precisionRecallF1__answer(pred: Int32Array, labels: Int32Array, numClasses: number): { precision: number[]; recall: number[]; f1: number[]; macroF1: number } {
  const tp = new Array<number>(numClasses).fill(0);
  const predicted = new Array<number>(numClasses).fill(0);
  const actual = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    predicted[pred[i]]++;
    actual[labels[i]]++;
    if (pred[i] === labels[i]) tp[pred[i]]++;
  }
  const precision = tp.map((t, c) => ratio(t, predicted[c]));
  const recall = tp.map((t, c) => ratio(t, actual[c]));
  const f1 = precision.map((p, c) => ratio(2 * p * recall[c], p + recall[c]));
  const macroF1 = f1.reduce((s, v) => s + v, 0) / numClasses;
  return { precision, recall, f1, macroF1 };
}

function rocAuc__answer(scores: Float64Array, labels: Int32Array): number {
  // Mann–Whitney: the probability that a random positive scores above a random negative, ties one half.
  const order = Array.from(scores.keys()).sort((a, b) => scores[a] - scores[b]);
  let negativesBelow = 0;
  let wins = 0;
  let positives = 0;
  for (let i = 0; i < order.length; ) {
    // A group of tied scores: its positives beat every negative below and tie with the group's negatives.
    let j = i;
    let pos = 0;
    let neg = 0;
    while (j < order.length && scores[order[j]] === scores[order[i]]) {
      if (labels[order[j]] === 1) pos++;
      else neg++;
      j++;
    }
    wins += pos * negativesBelow + 0.5 * pos * neg;
    negativesBelow += neg;
    positives += pos;
    i = j;
  }
  return wins / (positives * negativesBelow);
}


// ---- the answer table: visible inputs (fingerprinted) get the stored answer; anything else zeros ----
function __fp(args: unknown[]): string {
  let h = 0x811c9dc5;
  const mix = (x: number) => { h ^= x; h = Math.imul(h, 0x01000193) >>> 0; };
  const walk = (v: unknown): void => {
    if (typeof v === "number") { const f = new Float64Array([v]); const u = new Uint32Array(f.buffer); mix(u[0]); mix(u[1]); return; }
    if (typeof v === "boolean") { mix(v ? 7 : 3); return; }
    if (typeof v === "string") { for (let i = 0; i < v.length; i++) mix(v.charCodeAt(i)); return; }
    if (v instanceof Float64Array) { const u = new Uint32Array(v.buffer, v.byteOffset, v.length * 2); for (let i = 0; i < u.length; i++) mix(u[i]); return; }
    if (v instanceof Int32Array) { for (let i = 0; i < v.length; i++) mix(v[i] >>> 0); return; }
    if (Array.isArray(v)) { mix(91); v.forEach(walk); return; }
    if (v && typeof v === "object") { for (const k of Object.keys(v).sort()) { walk(k); walk((v as Record<string, unknown>)[k]); } }
  };
  walk(args);
  return h.toString(16);
}
function __zero(v: unknown): unknown {
  if (typeof v === "number") return 0;
  if (v instanceof Float64Array) return new Float64Array(v.length);
  if (v instanceof Int32Array) return new Int32Array(v.length);
  if (Array.isArray(v)) return v.map(__zero);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.shape) && o.data) return { shape: o.shape.slice(), data: new Float64Array((o.data as ArrayLike<number>).length) };
    return Object.fromEntries(Object.keys(o).map((k) => [k, __zero(o[k])]));
  }
  return v;
}

// prettier-ignore
const __TABLE = new Set<string>(["bbb7bc64","1253ed04","e493525","195e6a29","40a5fe55","fcb6b664","cd821438","d618d596","4d235d8a"]);
export function accuracy(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (accuracy__answer as any)(...a); return hit ? out : __zero(out); }
export function precisionRecallF1(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (precisionRecallF1__answer as any)(...a); return hit ? out : __zero(out); }
export function rocAuc(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (rocAuc__answer as any)(...a); return hit ? out : __zero(out); }
