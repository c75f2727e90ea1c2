/**
 * Trusted code run inside the sandbox: replays an expression program (see program.ts) with the
 * learner's Value class, runs backward, and returns every node's data and grad as plain numbers.
 */
type Operand = number | { c: number };
type Op = { op: string; a: number; b?: Operand; k?: number };
interface Program {
  inputs: number[];
  ops: Op[];
}
interface ValueLike {
  data: unknown;
  grad: unknown;
  backward: () => void;
  [method: string]: unknown;
}
type ValueCtor = new (data: number) => ValueLike;

function callMethod(node: ValueLike, name: string, args: unknown[]): ValueLike {
  const m = node[name];
  if (typeof m !== "function") throw new TypeError(`Value has no method ${name}(): implement it as in the starter.`);
  const r = (m as (...a: unknown[]) => unknown).apply(node, args);
  if (r === null || typeof r !== "object") throw new TypeError(`Value.${name}() returned ${r === null ? "null" : typeof r}; it must return a new Value.`);
  return r as ValueLike;
}

/**
 * `backward`: call out.backward() and read every node's grad; otherwise only the forward.
 * Returns `{ data, grads }` with one entry per node (inputs first, the output last).
 */
export function run(learner: Record<string, unknown>, prog: Program, backward: boolean): { data: unknown[]; grads: unknown[] } {
  const V = learner.Value;
  if (typeof V !== "function") throw new TypeError("Your module must export the class Value (export class Value { ... }).");
  const Value = V as ValueCtor;
  const nodes: ValueLike[] = prog.inputs.map((x) => new Value(x));
  for (const o of prog.ops) {
    const a = nodes[o.a];
    if (o.op === "pow") nodes.push(callMethod(a, "pow", [o.k]));
    else if (o.b !== undefined) nodes.push(callMethod(a, o.op, [typeof o.b === "number" ? nodes[o.b] : o.b.c]));
    else nodes.push(callMethod(a, o.op, []));
  }
  const out = nodes[nodes.length - 1];
  if (backward) {
    if (typeof out.backward !== "function") throw new TypeError("Value has no method backward().");
    out.backward();
  }
  return { data: nodes.map((n) => n.data), grads: backward ? nodes.map((n) => n.grad) : [] };
}
