import { Tensor } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, CheckFailure, fmt, isClose, asNumberResult, asObjectResult, expectGradMatchesForward, describeTolerance, VS_TFJS, InvalidValue, describe, en } from "gradlab/checks";
import { build, built, randomProgram, tfReference, type Built, type Program } from "./program.ts";
import { knownMistake } from "./mistakes.host.ts";

// ---- running the learner's Value through the driver ---------------------------------------------

function asNumbers(label: string, v: unknown, n: number, names: string[], field: "data" | "grad"): number[] {
  if (v instanceof InvalidValue) throw new CheckFailure(`${label} returned ${v.why}.`);
  const arr = v instanceof Float64Array ? Array.from(v) : v;
  if (!Array.isArray(arr) || arr.length !== n) throw new CheckFailure(en`${label}: expected ${n} values, got ${describe(v)}.`);
  return arr.map((x, i) => {
    if (x === undefined) {
      throw new CheckFailure(en`${names[i]}.${field} is undefined.`, { hint: field === "grad" ? en`Every Value starts with grad = 0.` : en`Every Value keeps its number in .data.` });
    }
    return asNumberResult(`${names[i]}.${field}`, x);
  });
}

async function runLearner({ learner }: CheckContext, b: Built, backward: boolean): Promise<{ data: number[]; grads: number[] }> {
  const n = b.exprs.length;
  const out = asObjectResult("your Value", await learner.call("driver:run", b.prog, backward), ["data", "grads"]);
  const data = asNumbers(en`the forward pass`, out.data, n, b.exprs, "data");
  return { data, grads: backward ? asNumbers("backward()", out.grads, n, b.exprs, "grad") : [] };
}

// ---- comparisons ---------------------------------------------------------------------------------

const tol = VS_TFJS;

/** Every node's .data against tfjs. */
async function checkForward(ctx: CheckContext, b: Built): Promise<void> {
  const ref = tfReference(ctx.tf, b.prog);
  const got = await runLearner(ctx, b, false);
  for (let i = b.prog.inputs.length; i < b.exprs.length; i++) {
    if (!isClose(ref.data[i], got.data[i], tol)) {
      throw new CheckFailure(en`${b.exprs[i]}.data is wrong: expected ${fmt(ref.data[i])}, got ${fmt(got.data[i])} (tfjs, within ${describeTolerance(tol)}).`, {
        hint: got.data[i] === 0 ? en`0: is this operation still the starter's stub?` : undefined,
      });
    }
  }
}

function mistakeHint(prog: Program, expected: number[], got: number[]): string | undefined {
  const known = knownMistake(prog, expected, got, tol);
  if (known) return known;
  if (got.every((g) => g === 0)) return en`Every gradient is 0: does backward() set this.grad = 1 and then visit every node the output depends on?`;
  return undefined;
}

/** out.grad = 1 and every input's grad against tf.grads. */
async function checkGrads(ctx: CheckContext, b: Built): Promise<{ grads: number[] }> {
  const ref = tfReference(ctx.tf, b.prog);
  const got = await runLearner(ctx, b, true);
  const out = b.exprs.length - 1;
  if (got.grads[out] !== 1) {
    throw new CheckFailure(en`After out.backward(), out.grad should be 1 (d out / d out), got ${fmt(got.grads[out])} (${b.title}).`, {
      hint: en`backward() starts with this.grad = 1.`,
    });
  }
  const n = b.prog.inputs.length;
  const grads = got.grads.slice(0, n);
  for (let i = 0; i < n; i++) {
    if (!isClose(ref.grads[i], grads[i], tol)) {
      throw new CheckFailure(
        en`x${i}.grad = d(out)/d(x${i}) is wrong for ${b.title}: expected ${fmt(ref.grads[i])}, got ${fmt(grads[i])} (tf.grads, within ${describeTolerance(tol)}).`,
        { hint: mistakeHint(b.prog, ref.grads, grads) },
      );
    }
  }
  return { grads };
}

async function checkAllGrads(ctx: CheckContext, cases: Built[]): Promise<void> {
  for (const b of cases) await checkGrads(ctx, b);
}

// ---- programs ----------------------------------------------------------------------------------

/** One node per operation, from three inputs: the forward check. */
const EVERY_OP = build([0.7, -1.3, 2.5], (x, y, z) => {
  x.add(y); x.add(3); x.sub(y); x.sub(0.5);
  x.mul(y); y.mul(-2); x.div(y); z.div(4);
  y.neg(); y.pow(3); z.pow(-0.5); y.pow(2);
  x.exp(); z.log(); y.tanh(); x.relu(); y.relu();
  return y.sigmoid();
});

const DEEP_STEPS = 100;

/** A chain 200 nodes deep: v = v * a_i, then v = v + y, alternately. */
function deepChain(): Built {
  return build([0.3, 0.7], (x, y) => {
    let v = x;
    for (let i = 0; i < DEEP_STEPS; i++) v = v.mul(1 + 0.03 * Math.sin(i * 1.7)).add(y);
    return v.tanh().mul(10);
  });
}

export default defineChecks({
  checks: [
    visible("forward: every op's data matches tfjs", 1, (ctx) => checkForward(ctx, EVERY_OP)),
    visible("gradients of add, sub, mul and div, with Values and with plain numbers", 1, (ctx) =>
      checkAllGrads(ctx, [
        build([0.7, -1.3], (x, y) => x.add(y)),
        build([0.7, -1.3], (x, y) => x.sub(y)),
        build([0.7, -1.3], (x, y) => x.mul(y)),
        build([0.7, -1.3], (x, y) => x.div(y)),
        build([0.7], (x) => x.add(3)),
        build([0.7], (x) => x.sub(2.5)),
        build([0.7], (x) => x.mul(-1.5)),
        build([0.7], (x) => x.div(4)),
      ]),
    ),
    visible("gradients of neg, pow, exp and log", 1, (ctx) =>
      checkAllGrads(ctx, [
        build([-1.3], (x) => x.neg()),
        build([-1.3], (x) => x.pow(3)),
        build([2.5], (x) => x.pow(-0.5)),
        build([1.7], (x) => x.pow(2)),
        build([0.8], (x) => x.exp()),
        build([2.5], (x) => x.log()),
      ]),
    ),
    visible("gradients of tanh, sigmoid and relu (relu'(0) = 0, as tfjs)", 1, (ctx) =>
      checkAllGrads(ctx, [
        build([0.6], (x) => x.tanh()),
        build([-1.1], (x) => x.sigmoid()),
        build([0.9], (x) => x.relu()),
        build([-0.4], (x) => x.relu()),
        build([0], (x) => x.relu()),
      ]),
    ),
    visible("a Value used twice accumulates its gradient", 1, (ctx) =>
      checkAllGrads(ctx, [
        build([1.5], (x) => x.mul(x)),
        build([1.5], (x) => x.add(x)),
        build([1.5, -0.5], (x, y) => x.mul(y).add(x)),
        build([0.8], (x) => x.tanh().mul(x.exp())),
      ]),
    ),
    visible("a diamond: an intermediate node shared by two paths", 1, (ctx) =>
      checkAllGrads(ctx, [
        build([0.5, -1.2], (x, y) => {
          const b = x.mul(y);
          return b.tanh().mul(b.add(1));
        }),
        build([0.9], (x) => {
          const a = x.mul(2);
          const b = a.sigmoid().add(a.pow(2));
          return b.mul(a).add(b.exp());
        }),
      ]),
    ),
    visible(`backward on a chain ${2 * DEEP_STEPS} nodes deep`, 1, (ctx) => checkGrads(ctx, deepChain()).then(() => undefined)),
    visible("backward agrees with finite differences of your own forward", 1, async (ctx) => {
      const b = build([0.4, -0.7, 1.6], (x, y, z) => x.mul(y).tanh().add(z.log().mul(x)).sub(y.sigmoid().div(z)).add(x.exp().pow(2)).add(y.relu()).add(y.neg().relu()));
      const grads = (await runLearner(ctx, b, true)).grads.slice(0, 3);
      await expectGradMatchesForward({
        wrt: "the inputs",
        gradLabel: "[x0.grad, x1.grad, x2.grad]",
        forwardLabel: "forward (out.data)",
        at: new Tensor(Float64Array.from(b.prog.inputs), [3]),
        grad: new Tensor(Float64Array.from(grads), [3]),
        forward: async (x) => {
          const r = await runLearner(ctx, { ...b, prog: { ...b.prog, inputs: Array.from(x.data) } }, false);
          return r.data[r.data.length - 1];
        },
      });
    }),
    hidden("random expression graphs: forward and gradients", 2, async (ctx) => {
      for (let i = 0; i < 4; i++) {
        const b = built(randomProgram(ctx.rng, 2 + ctx.rng.int(3), 6 + ctx.rng.int(12)));
        ctx.describe(b.title); // "a random graph of 12 ops on 3 inputs": sizes only
        await checkForward(ctx, b);
        await checkGrads(ctx, b);
      }
    }),
  ],
});
