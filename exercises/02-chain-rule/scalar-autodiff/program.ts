/**
 * Expression programs for the scalar-autodiff checks: a serialisable list of ops that the driver
 * replays with the learner's Value, written in the checks with `Sym` (the same API as Value).
 * Also the tfjs reference (float32, tf.grads). The float64 simulation of known learner mistakes
 * that names a mistake in a hint is server-only: mistakes.host.ts.
 */
import type * as TF from "@tensorflow/tfjs";
import type { Rng } from "gradlab/nd";
import { en, type Tf } from "gradlab/checks";

export type BinaryOp = "add" | "sub" | "mul" | "div";
export type UnaryOp = "neg" | "exp" | "log" | "tanh" | "relu" | "sigmoid";
/** A node index, or a plain number passed to the method (`v.add(3)`). */
export type Operand = number | { c: number };
export type Op = { op: BinaryOp; a: number; b: Operand } | { op: UnaryOp; a: number } | { op: "pow"; a: number; k: number };

/** Nodes 0..inputs.length-1 are `new Value(inputs[i])`; op i makes node inputs.length + i; the last node is the output. */
export interface Program {
  inputs: number[];
  ops: Op[];
}

// ---- writing programs: Sym records what a Value would do --------------------------------------

const SYMBOL: Record<BinaryOp, string> = { add: "+", sub: "-", mul: "*", div: "/" };
const num = (x: number) => String(Number(x.toPrecision(6)));

interface Tape {
  prog: Program;
  /** Every node's expression, for messages. */
  exprs: string[];
}

export class Sym {
  readonly tape: Tape;
  readonly id: number;
  readonly expr: string;
  constructor(tape: Tape, id: number, expr: string) {
    this.tape = tape;
    this.id = id;
    this.expr = expr;
  }
  private push(op: Op, expr: string): Sym {
    const { prog, exprs } = this.tape;
    prog.ops.push(op);
    const id = prog.inputs.length + prog.ops.length - 1;
    exprs.push(expr.length > 90 ? `n${id}` : expr);
    return new Sym(this.tape, id, exprs[id]);
  }
  private bin(op: BinaryOp, o: Sym | number): Sym {
    const b: Operand = typeof o === "number" ? { c: Math.fround(o) } : o.id;
    const rhs = typeof o === "number" ? num(Math.fround(o)) : o.expr;
    return this.push({ op, a: this.id, b }, `(${this.expr} ${SYMBOL[op]} ${rhs})`);
  }
  private un(op: UnaryOp): Sym {
    return this.push({ op, a: this.id }, op === "neg" ? `-${this.expr}` : `${op}(${this.expr.replace(/^\((.*)\)$/, "$1")})`);
  }
  add(o: Sym | number): Sym { return this.bin("add", o); }
  sub(o: Sym | number): Sym { return this.bin("sub", o); }
  mul(o: Sym | number): Sym { return this.bin("mul", o); }
  div(o: Sym | number): Sym { return this.bin("div", o); }
  pow(k: number): Sym { return this.push({ op: "pow", a: this.id, k }, `${this.expr}^${num(k)}`); }
  neg(): Sym { return this.un("neg"); }
  exp(): Sym { return this.un("exp"); }
  log(): Sym { return this.un("log"); }
  tanh(): Sym { return this.un("tanh"); }
  relu(): Sym { return this.un("relu"); }
  sigmoid(): Sym { return this.un("sigmoid"); }
}

export interface Built {
  prog: Program;
  /** Every node's expression, for messages. */
  exprs: string[];
  /** The output's expression, with the inputs' values. */
  title: string;
}

/** Build a program from inputs (rounded to float32, so tfjs and the learner start equal) and a function of Syms; the last node made is the output. */
export function build(inputs: number[], f: (...xs: Sym[]) => Sym): Built {
  const tape: Tape = { prog: { inputs: inputs.map(Math.fround), ops: [] }, exprs: inputs.map((_, i) => `x${i}`) };
  const out = f(...tape.exprs.map((e, i) => new Sym(tape, i, e)));
  if (out.id !== tape.exprs.length - 1) throw new Error("build: the output must be the last node made");
  const values = tape.prog.inputs.map((x, i) => `x${i} = ${num(x)}`).join(", ");
  return { prog: tape.prog, exprs: tape.exprs, title: `out = ${out.expr.replace(/^\((.*)\)$/, "$1")} at ${values}` };
}

/** A random program as a Built, with short node names. */
export function built(prog: Program): Built {
  const exprs = prog.inputs.map((_, i) => `x${i}`);
  const ref = (j: number) => (exprs[j].length <= 16 ? exprs[j] : `n${j}`);
  for (const o of prog.ops) {
    if ("b" in o) exprs.push(`(${ref(o.a)} ${SYMBOL[o.op]} ${typeof o.b === "number" ? ref(o.b) : num(o.b.c)})`);
    else if (o.op === "pow") exprs.push(`${ref(o.a)}^${num(o.k)}`);
    else exprs.push(`${o.op}(${ref(o.a)})`);
  }
  return { prog, exprs, title: en`a random graph of ${prog.ops.length} ops on ${prog.inputs.length} inputs` };
}

// ---- the tfjs reference ------------------------------------------------------------------------

function tfNodes(tf: Tf, prog: Program, xs: TF.Scalar[]): TF.Scalar[] {
  const nodes: TF.Scalar[] = xs.slice();
  for (const o of prog.ops) {
    const a = nodes[o.a];
    let r: TF.Tensor;
    switch (o.op) {
      case "add":
      case "sub":
      case "mul":
      case "div": {
        const b = typeof o.b === "number" ? nodes[o.b] : tf.scalar(o.b.c);
        r = o.op === "add" ? tf.add(a, b) : o.op === "sub" ? tf.sub(a, b) : o.op === "mul" ? tf.mul(a, b) : tf.div(a, b);
        break;
      }
      case "pow":
        r = tf.pow(a, tf.scalar(o.k));
        break;
      case "neg":
        r = tf.neg(a);
        break;
      case "exp":
        r = tf.exp(a);
        break;
      case "log":
        r = tf.log(a);
        break;
      case "tanh":
        r = tf.tanh(a);
        break;
      case "relu":
        r = tf.relu(a); // gradient 0 at 0
        break;
      case "sigmoid":
        r = tf.sigmoid(a);
        break;
    }
    nodes.push(r as TF.Scalar);
  }
  return nodes;
}

/** The inputs the output depends on. */
function usedInputs(prog: Program): boolean[] {
  const n = prog.inputs.length;
  const need = new Array<boolean>(n + prog.ops.length).fill(false);
  need[need.length - 1] = true;
  for (let i = prog.ops.length - 1; i >= 0; i--) {
    if (!need[n + i]) continue;
    const o = prog.ops[i];
    need[o.a] = true;
    if ("b" in o && typeof o.b === "number") need[o.b] = true;
  }
  return need.slice(0, n);
}

const cache = new Map<string, { data: number[]; grads: number[] }>();

/** Every node's value and d(out)/d(input) for every input, by tfjs (float32) and tf.grads. Cached per program. */
export function tfReference(tf: Tf, prog: Program): { data: number[]; grads: number[] } {
  const key = JSON.stringify(prog);
  let hit = cache.get(key);
  if (!hit) {
    if (cache.size >= 500) cache.clear(); // hidden checks draw new programs: keep the cache bounded
    hit = tfCompute(tf, prog);
    cache.set(key, hit);
  }
  return hit;
}

function tfCompute(tf: Tf, prog: Program): { data: number[]; grads: number[] } {
  const used = usedInputs(prog);
  const usedIdx = used.flatMap((u, i) => (u ? [i] : []));
  return tf.tidy(() => {
    const xs = prog.inputs.map((x) => tf.scalar(x));
    const data = Array.from(tf.stack(tfNodes(tf, prog, xs)).dataSync());
    const grads = new Array<number>(prog.inputs.length).fill(0);
    if (usedIdx.length && prog.ops.length) {
      const f = (...vs: TF.Tensor[]) => {
        const all = xs.slice();
        usedIdx.forEach((i, j) => (all[i] = vs[j] as TF.Scalar));
        const nodes = tfNodes(tf, prog, all);
        return nodes[nodes.length - 1];
      };
      const g = tf.grads(f)(usedIdx.map((i) => xs[i]));
      usedIdx.forEach((i, j) => (grads[i] = g[j].dataSync()[0]));
    }
    return { data, grads };
  });
}

// ---- random programs ---------------------------------------------------------------------------

const UNARY: UnaryOp[] = ["neg", "exp", "log", "tanh", "relu", "sigmoid"];
const BINARY: BinaryOp[] = ["add", "sub", "mul", "div"];
const POWERS = [2, 3, -1, 0.5, 1.5, -2];

/** A random, well-conditioned expression graph: shared nodes, numbers mixed with Values, every node feeding the output. */
export function randomProgram(rng: Rng, nInputs: number, nOps: number): Program {
  const prog: Program = { inputs: [], ops: [] };
  const vals: number[] = [];
  for (let i = 0; i < nInputs; i++) {
    const x = Math.fround((rng.next() * 2 - 1) * 2);
    prog.inputs.push(Math.abs(x) < 0.05 ? 0.5 : x);
    vals.push(prog.inputs[i]);
  }
  const usedBy = new Array<number>(nInputs).fill(0);
  const pick = () => (rng.next() < 0.7 ? Math.max(0, vals.length - 1 - rng.int(Math.min(4, vals.length))) : rng.int(vals.length));
  const ok = (v: number) => Number.isFinite(v) && Math.abs(v) <= 10;
  const emit = (op: Op, v: number) => {
    prog.ops.push(op);
    vals.push(v);
    usedBy.push(0);
    usedBy[op.a]++;
    if ("b" in op && typeof op.b === "number") usedBy[op.b]++;
  };
  for (let k = 0; k < nOps; k++) {
    let done = false;
    for (let tries = 0; tries < 30 && !done; tries++) {
      const a = pick();
      const x = vals[a];
      const r = rng.next();
      if (r < 0.45) {
        const op = BINARY[rng.int(4)];
        const useConst = rng.next() < 0.3;
        const b = useConst ? Math.fround((0.5 + rng.next() * 2.5) * (rng.next() < 0.5 ? -1 : 1)) : pick();
        const y = useConst ? (b as number) : vals[b as number];
        if (op === "div" && Math.abs(y) < 0.3) continue;
        const v = op === "add" ? x + y : op === "sub" ? x - y : op === "mul" ? x * y : x / y;
        if (!ok(v)) continue;
        emit({ op, a, b: useConst ? { c: b as number } : (b as number) }, v);
      } else if (r < 0.6) {
        const k2 = POWERS[rng.int(POWERS.length)];
        if (!Number.isInteger(k2) && x < 0.2) continue;
        if (k2 < 0 && Math.abs(x) < 0.3) continue;
        const v = x ** k2;
        if (!ok(v)) continue;
        emit({ op: "pow", a, k: k2 }, v);
      } else {
        const op = UNARY[rng.int(UNARY.length)];
        if (op === "log" && x < 0.2) continue;
        if (op === "exp" && x > 2.3) continue;
        if (op === "relu" && Math.abs(x) < 1e-2) continue;
        const v = op === "neg" ? -x : op === "exp" ? Math.exp(x) : op === "log" ? Math.log(x) : op === "tanh" ? Math.tanh(x) : op === "relu" ? Math.max(0, x) : 1 / (1 + Math.exp(-x));
        if (!ok(v)) continue;
        emit({ op, a }, v);
      }
      done = true;
    }
    if (!done) emit({ op: "tanh", a: vals.length - 1 }, Math.tanh(vals[vals.length - 1]));
  }
  // Sum every node nobody uses, so that the whole graph (every input) feeds the output.
  const dangling = usedBy.flatMap((u, i) => (u === 0 && i !== vals.length - 1 ? [i] : []));
  let acc = vals.length - 1;
  for (const d of dangling) {
    emit({ op: "add", a: acc, b: d }, vals[acc] + vals[d]);
    acc = vals.length - 1;
  }
  return prog;
}
