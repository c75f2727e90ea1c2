/**
 * A float64 engine with switchable mistakes, used only to name the learner's mistake in a hint.
 * Server-only (*.host.ts): with no mistake switched on this is a complete reverse-mode autodiff,
 * so the browser's Run gets a stub instead (see docs/authoring.md).
 */
import { mistakeExplains, type Tolerance, en } from "gradlab/checks";
import type { Op, Program } from "./program.ts";

interface Mistakes {
  overwrite?: boolean; // child.grad = ... instead of +=
  noTopo?: boolean; // recursive backward without a topological order
  breadthFirst?: boolean; // each node once, in breadth-first order from the output
  tanhNoSquare?: boolean; // 1 - tanh instead of 1 - tanh^2
  powNoK?: boolean; // x^(k-1) instead of k x^(k-1)
  reluOneAtZero?: boolean; // relu'(0) = 1
  sigmoidOfInput?: boolean; // x (1 - x) instead of s (1 - s)
  divSign?: boolean; // d(a/b)/db = +a/b^2
  subSign?: boolean; // d(a-b)/db = +1
  logOfOut?: boolean; // 1 / log(x) instead of 1 / x
  expOfInput?: boolean; // x instead of exp(x)
}

/**
 * The program with sub, div and neg either kept (direct) or written as micrograd does:
 * a - b = a + b·(-1), a / b = a · b^-1, -a = a·(-1). The graph's shape changes the result of some
 * mistakes (a missing topological order), so hints try both.
 */
function expand(prog: Program, composite: boolean): { ops: Op[]; out: number } {
  if (!composite) return { ops: prog.ops, out: prog.inputs.length + prog.ops.length - 1 };
  const n = prog.inputs.length;
  const ops: Op[] = [];
  const at = prog.inputs.map((_, i) => i); // original node -> expanded node
  const emit = (o: Op) => ops.push(o) + n - 1;
  for (const o of prog.ops) {
    const a = at[o.a];
    if (o.op === "sub" || o.op === "div") {
      const b = typeof o.b === "number" ? at[o.b] : o.b;
      const other = typeof b === "number" ? (o.op === "sub" ? emit({ op: "mul", a: b, b: { c: -1 } }) : emit({ op: "pow", a: b, k: -1 })) : { c: o.op === "sub" ? -b.c : 1 / b.c };
      at.push(emit({ op: o.op === "sub" ? "add" : "mul", a, b: other }));
    } else if (o.op === "neg") at.push(emit({ op: "mul", a, b: { c: -1 } }));
    else if ("b" in o) at.push(emit({ ...o, a, b: typeof o.b === "number" ? at[o.b] : o.b }));
    else at.push(emit({ ...o, a }));
  }
  return { ops, out: at[at.length - 1] };
}

/** d(out)/d(input) for every input, computed the way a learner with these mistakes would. */
function simulate(prog: Program, m: Mistakes, composite = false): number[] {
  const n = prog.inputs.length;
  const { ops, out } = expand(prog, composite);
  const data = prog.inputs.slice();
  const grad = new Array<number>(n + ops.length).fill(0);
  const parents: number[][] = prog.inputs.map(() => []);
  /** Local derivatives of node i with respect to each parent, in parents order. */
  const local: number[][] = prog.inputs.map(() => []);
  for (const o of ops) {
    const a = data[o.a];
    let v: number;
    let ps: number[] = [o.a];
    let ds: number[];
    switch (o.op) {
      case "add":
      case "sub":
      case "mul":
      case "div": {
        const isNode = typeof o.b === "number";
        const b = typeof o.b === "number" ? data[o.b] : o.b.c;
        if (o.op === "add") [v, ds] = [a + b, [1, 1]];
        else if (o.op === "sub") [v, ds] = [a - b, [1, m.subSign ? 1 : -1]];
        else if (o.op === "mul") [v, ds] = [a * b, [b, a]];
        else [v, ds] = [a / b, [1 / b, ((m.divSign ? 1 : -1) * a) / (b * b)]];
        if (isNode) ps = [o.a, o.b as number];
        else ds = ds.slice(0, 1);
        break;
      }
      case "pow":
        v = a ** o.k;
        ds = [(m.powNoK ? 1 : o.k) * a ** (o.k - 1)];
        break;
      case "neg":
        [v, ds] = [-a, [-1]];
        break;
      case "exp":
        v = Math.exp(a);
        ds = [m.expOfInput ? a : v];
        break;
      case "log":
        v = Math.log(a);
        ds = [m.logOfOut ? 1 / v : 1 / a];
        break;
      case "tanh":
        v = Math.tanh(a);
        ds = [m.tanhNoSquare ? 1 - v : 1 - v * v];
        break;
      case "relu":
        v = Math.max(0, a);
        ds = [a > 0 || (m.reluOneAtZero && a === 0) ? 1 : 0];
        break;
      case "sigmoid":
        v = 1 / (1 + Math.exp(-a));
        ds = [m.sigmoidOfInput ? a * (1 - a) : v * (1 - v)];
        break;
    }
    data.push(v);
    parents.push(ps);
    local.push(ds);
  }
  const step = (i: number) => {
    parents[i].forEach((p, j) => {
      if (m.overwrite) grad[p] = local[i][j] * grad[i];
      else grad[p] += local[i][j] * grad[i];
    });
  };
  grad[out] = 1;
  if (m.breadthFirst) {
    const queue = [out];
    const seen = new Set<number>(queue);
    for (let k = 0; k < queue.length; k++) {
      step(queue[k]);
      for (const p of parents[queue[k]]) {
        if (!seen.has(p)) {
          seen.add(p);
          queue.push(p);
        }
      }
    }
  } else if (m.noTopo) {
    const rec = (i: number) => {
      step(i);
      for (const p of new Set(parents[i])) rec(p);
    };
    rec(out);
  } else {
    const topo: number[] = [];
    const seen = new Set<number>();
    const visit = (i: number) => {
      if (seen.has(i)) return;
      seen.add(i);
      for (const p of parents[i]) visit(p);
      topo.push(i);
    };
    visit(out);
    for (let k = topo.length - 1; k >= 0; k--) step(topo[k]);
  }
  return grad.slice(0, n);
}

/** Known mistakes and their hints, most specific first. */
const MISTAKE_HINTS: [Mistakes, string][] = [
  [{ overwrite: true }, en`A node that is used more than once must add up the gradient from every use: \`grad += ...\`, never \`grad = ...\`.`],
  [{ noTopo: true }, en`Your backward visits a shared node before all of its uses have passed their gradient to it (it propagates a partial gradient, then again). Order the nodes topologically and call each node's local backward once, in reverse order.`],
  [{ breadthFirst: true }, en`Your backward visits the nodes breadth-first (by distance from the output), each once. That is not a topological order: a node reached by a short path and by a longer one passes its gradient on before the longer path has added to it. Sort the nodes topologically (a depth-first search that appends a node after all of its inputs) and call each node's local backward once, in reverse order.`],
  [{ tanhNoSquare: true }, en`d tanh(x)/dx = 1 - tanh(x)^2: the square is missing.`],
  [{ powNoK: true }, en`d x^k/dx = k x^(k-1): the factor k is missing.`],
  [{ reluOneAtZero: true }, en`relu'(0) is 0 here (the tfjs convention): use x > 0, not x >= 0.`],
  [{ sigmoidOfInput: true }, en`d sigmoid(x)/dx = s (1 - s) with s = sigmoid(x), the output: not x (1 - x).`],
  [{ divSign: true }, en`d(a / b)/db = -a / b^2: the sign is wrong (if your div is a · b^-1, check pow: d x^k/dx = k x^(k-1), with k = -1).`],
  [{ subSign: true }, en`d(a - b)/db = -1: the second operand's gradient of sub needs a minus sign.`],
  [{ logOfOut: true }, en`d log(x)/dx = 1 / x, with x the input: not 1 / log(x).`],
  [{ expOfInput: true }, en`d exp(x)/dx = exp(x), the output: not x.`],
];

/**
 * The hint of the first known mistake that explains the learner's gradients `got`: within `tol`
 * and clearly better than the right ones, `expected` (`mistakeExplains`), trying each with sub,
 * div and neg kept and written as micrograd does.
 */
export function knownMistake(prog: Program, expected: number[], got: number[], tol: Tolerance): string | undefined {
  for (const [m, hint] of MISTAKE_HINTS) {
    for (const composite of [false, true]) {
      if (mistakeExplains(expected, simulate(prog, m, composite), got, tol)) return hint;
    }
  }
  return undefined;
}
