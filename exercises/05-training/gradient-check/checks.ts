import type * as TF from "@tensorflow/tfjs";
import { Rng, Tensor, randn } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, type Tf, expectClose, expectNumberClose, CheckFailure, asNumberResult, asTensorResult, fromTf, toTf, VS_FLOAT64, type Tolerance, type HintRule, SandboxFn, hostAnswer, en } from "gradlab/checks";
import { FUNCTION_NAMES, functionSpec, type FunctionName, type FunctionSpec } from "./functions.ts";
import { centredDifferences, differencesMistake, exactGradient, expectedRelativeError, relativeErrorMistake } from "./reference.host.ts";

// ---- the reference: tf.grad of the same function, rebuilt from tfjs ops -------------------

function tfFunction(tf: Tf, s: FunctionSpec): (x: TF.Tensor) => TF.Scalar {
  const n = s.n;
  return (x) => {
    const col = x.reshape([n, 1]);
    switch (s.name) {
      case "quadratic":
        return col.transpose().matMul(tf.tensor2d(s.A, [n, n])).matMul(col).mul(0.5).sum().add(tf.tensor1d(s.b).mul(x).sum()) as TF.Scalar;
      case "softplusSum":
        return tf.softplus(tf.tensor1d(s.A).mul(x).add(tf.tensor1d(s.b))).mul(tf.tensor1d(s.c)).sum() as TF.Scalar;
      case "logSumExp":
        return tf.logSumExp(tf.tensor2d(s.A, [s.m, n]).matMul(col).reshape([s.m]).add(tf.tensor1d(s.b))) as TF.Scalar;
      case "tanhNet":
        return tf.tensor2d(s.A, [s.m, n]).matMul(col).reshape([s.m]).add(tf.tensor1d(s.c)).tanh().mul(tf.tensor1d(s.v)).sum() as TF.Scalar;
    }
  };
}

/** tf.grad of the function at x, shaped like x. */
function tfGradient(tf: Tf, s: FunctionSpec, x: Tensor): Tensor {
  const g = tf.tidy(() => tf.grad(tfFunction(tf, s))(toTf(tf, x).reshape([s.n])));
  const out = fromTf(g);
  g.dispose();
  return new Tensor(out.data, x.shape.slice());
}

// ---- float64 centred differences and the known mistakes: server-only (reference.host.ts) ----

function numericHints(s: FunctionSpec, x: Tensor, h: number): HintRule[] {
  return [(_e, got) => differencesMistake(s, x, h, got)];
}

// ---- numericGradient checks ---------------------------------------------------------------

/** x drawn from the rng; the function from a name and a seed drawn from the rng. */
function makeCase(rng: Rng, name: FunctionName, shape: number[]) {
  const x = randn(shape, rng);
  const seed = rng.int(2 ** 31);
  const spec = functionSpec(name, seed, x.data.length);
  return { x, spec, f: new SandboxFn(name, [seed, x.data.length]) };
}

async function learnerGradient(ctx: CheckContext, c: ReturnType<typeof makeCase>, h: number): Promise<{ grad: Tensor; xAfter: unknown }> {
  const out = await ctx.learner.callInPlace("numericGradient", c.f, c.x, h);
  return { grad: asTensorResult(`numericGradient(${c.spec.name}, x, ${h})`, out.value, c.x.shape), xAfter: out.args[1] };
}

/** Against tf.grad: at small h the centred difference is the gradient (rtol 1e-3). */
async function checkVsTfGrad(ctx: CheckContext, c: ReturnType<typeof makeCase>, h: number) {
  const expected = tfGradient(ctx.tf, c.spec, c.x);
  const { grad } = await learnerGradient(ctx, c, h);
  expectClose(`numericGradient(${c.spec.name}, x, ${h})`, expected, grad, { against: "tf.grad", hints: numericHints(c.spec, c.x, h) });
}

/** The exact formula at a larger h, against float64 centred differences in the host. */
const FORMULA: Tolerance = { rtol: 1e-7, atol: 1e-9 };
async function checkFormula(ctx: CheckContext, c: ReturnType<typeof makeCase>, h: number) {
  const expected = hostAnswer(centredDifferences(c.spec, c.x, h));
  const { grad } = await learnerGradient(ctx, c, h);
  expectClose(`numericGradient(${c.spec.name}, x, ${h})`, expected, grad, {
    tol: FORMULA,
    against: "(f(x + h·e_i) − f(x − h·e_i)) / (2h) in float64",
    hints: numericHints(c.spec, c.x, h),
  });
}

// ---- relativeError checks -------------------------------------------------------------------

async function checkRelErr(ctx: CheckContext, a: Tensor, b: Tensor, what: string) {
  const expected = hostAnswer(expectedRelativeError(a, b));
  const got = await ctx.learner.call("relativeError", a, b);
  if (typeof got === "number" && Number.isNaN(got)) {
    throw new CheckFailure(en`relativeError(a, b) for ${what} returned NaN; expected ${expected}.`, { hint: en`0/0 where a_i = b_i = 0: the denominator is max(|a_i| + |b_i|, 1e-8), never 0.` });
  }
  expectNumberClose(`relativeError(a, b) for ${what}`, expected, got, {
    tol: VS_FLOAT64,
    against: "max_i |a_i − b_i| / max(|a_i| + |b_i|, 1e-8)",
    hint: (_e, g) => (g === 0 && expected > 0 ? en`Your relativeError is 0 for tensors that differ: is it still the starter's stub?` : relativeErrorMistake(a, b, g)),
  });
  return asNumberResult("relativeError", got);
}

/** b = a with one element nudged by a relative `eps`: a subtly wrong gradient. */
function nudged(a: Tensor, rng: Rng, eps: number): Tensor {
  const b = Float64Array.from(a.data);
  const i = rng.int(b.length);
  b[i] = b[i] * (1 + eps) + (b[i] === 0 ? eps : 0);
  return new Tensor(b, a.shape.slice());
}

function tensor(values: number[], shape = [values.length]): Tensor {
  return new Tensor(Float64Array.from(values), shape);
}

export default defineChecks({
  checks: [
    visible("numericGradient of a quadratic (x [5], h = 0.1) equals tf.grad", 1, (ctx) => checkVsTfGrad(ctx, makeCase(ctx.rng, "quadratic", [5]), 0.1)),
    visible("numericGradient keeps the shape of x (softplusSum, x [2,3], h = 1e-5)", 1, (ctx) => checkVsTfGrad(ctx, makeCase(ctx.rng, "softplusSum", [2, 3]), 1e-5)),
    visible("numericGradient is the centred difference (tanhNet, x [4], h = 0.01)", 1, (ctx) => checkFormula(ctx, makeCase(ctx.rng, "tanhNet", [4]), 0.01)),
    visible("numericGradient leaves x as it found it", 1, async (ctx) => {
      const c = makeCase(ctx.rng, "logSumExp", [6]);
      const before = new Tensor(Float64Array.from(c.x.data), c.x.shape.slice());
      const { xAfter } = await learnerGradient(ctx, c, 0.01);
      const after = asTensorResult("x after numericGradient(f, x, h)", xAfter, c.x.shape);
      expectClose("x after numericGradient(f, x, h)", before, after, {
        tol: { rtol: 1e-12, atol: 1e-14 },
        against: en`x before the call`,
        hints: [() => en`Your numericGradient changes x: after moving x_i by ±h, put the original value back (save it first).`],
      });
    }),
    visible("relativeError matches max_i |a_i − b_i| / max(|a_i| + |b_i|, 1e-8)", 1, async (ctx) => {
      await checkRelErr(ctx, tensor([1, -2, 3, 0.5]), tensor([1.1, -2, 2.7, 0.5]), "a = [1, -2, 3, 0.5], b = [1.1, -2, 2.7, 0.5]");
      await checkRelErr(ctx, tensor([1, 2, 3, 4], [2, 2]), tensor([1, 2, 3, 4], [2, 2]), "a = b");
    }),
    visible("relativeError near zero: 0 for two zeros, the 1e-8 floor for tiny values", 1, async (ctx) => {
      await checkRelErr(ctx, tensor([0, 0, 0]), tensor([0, 0, 0]), "a = b = [0, 0, 0]");
      await checkRelErr(ctx, tensor([1e-10, 2]), tensor([0, 2]), "a = [1e-10, 2], b = [0, 2]");
      await checkRelErr(ctx, tensor([1e-3, 1]), tensor([-1e-3, 1]), "a = [0.001, 1], b = [-0.001, 1]");
    }),
    hidden("numericGradient on random functions and shapes (against tf.grad, and the centred formula)", 2, async (ctx) => {
      for (const name of FUNCTION_NAMES) {
        const shape = ctx.rng.int(2) ? [1 + ctx.rng.int(8)] : [1 + ctx.rng.int(3), 1 + ctx.rng.int(4)];
        await checkVsTfGrad(ctx, makeCase(ctx.rng, name, shape), 1e-5);
        await checkFormula(ctx, makeCase(ctx.rng, name, shape), [0.1, 0.03, 0.01][ctx.rng.int(3)]);
      }
    }),
    hidden("relativeError tells a correct gradient from a subtly wrong one", 1, async (ctx) => {
      for (const name of FUNCTION_NAMES) {
        const c = makeCase(ctx.rng, name, [2 + ctx.rng.int(6)]);
        const exact = exactGradient(c.spec, c.x);
        const numeric = centredDifferences(c.spec, c.x, 1e-5);
        const small = await checkRelErr(ctx, exact, numeric, en`the exact gradient vs centred differences of ${name}`);
        const large = await checkRelErr(ctx, nudged(exact, ctx.rng, 0.05), numeric, en`a gradient with one element 5% off`);
        if (!(small < 1e-3 && large > 1e-2)) throw new CheckFailure(en`relativeError gives ${small} for a correct gradient and ${large} for a wrong one.`);
      }
    }),
    hidden("a gradient check with your two functions accepts the exact gradient and rejects a wrong one", 1, async (ctx) => {
      for (const name of FUNCTION_NAMES) {
        const c = makeCase(ctx.rng, name, [3 + ctx.rng.int(5)]);
        const exact = exactGradient(c.spec, c.x);
        const { grad } = await learnerGradient(ctx, c, 1e-5);
        const good = asNumberResult("relativeError", await ctx.learner.call("relativeError", exact, grad));
        const bad = asNumberResult("relativeError", await ctx.learner.call("relativeError", nudged(exact, ctx.rng, 0.1), grad));
        if (!(good < 1e-3)) {
          throw new CheckFailure(en`relativeError(exact gradient, numericGradient(${name}, x, 1e-5)) is ${good}; a correct gradient should give less than 1e-3.`);
        }
        if (!(bad > 1e-2)) {
          throw new CheckFailure(en`relativeError(wrong gradient, numericGradient(${name}, x, 1e-5)) is ${bad}; one element 10% off should give more than 1e-2.`);
        }
      }
    }),
  ],
});
