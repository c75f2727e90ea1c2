import { build } from "esbuild";
import { runInNewContext } from "node:vm";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as nd from "./index.ts";

const EXPORTS = [
  "Rng",
  "Tensor",
  "abs",
  "add",
  "allclose",
  "arange",
  "argmax",
  "argmin",
  "asTensor",
  "broadcastShape",
  "clip",
  "concat",
  "div",
  "dot",
  "equal",
  "exp",
  "expandDims",
  "eye",
  "flatten",
  "full",
  "gather",
  "greater",
  "greaterEqual",
  "isTensor",
  "less",
  "lessEqual",
  "linspace",
  "log",
  "map",
  "matmul",
  "max",
  "maximum",
  "mean",
  "min",
  "minimum",
  "mul",
  "neg",
  "ones",
  "onesLike",
  "outer",
  "pad",
  "pow",
  "randint",
  "randn",
  "reshape",
  "scalar",
  "seed",
  "shapesEqual",
  "shuffle",
  "sign",
  "slice",
  "sqrt",
  "square",
  "squeeze",
  "stack",
  "sub",
  "sum",
  "tanh",
  "tensor",
  "transpose",
  "uniform",
  "where",
  "zeros",
  "zerosLike",
];

describe("gradlab/nd barrel", () => {
  it("exports exactly the public API (no layers, no internals)", () => {
    expect(Object.keys(nd).sort()).toEqual([...EXPORTS].sort());
    for (const name of ["relu", "sigmoid", "softmax", "logSumExp", "binaryOp", "ndError"]) {
      expect(name in nd).toBe(false);
    }
  });

  it("works end to end: a linear layer forward and backward", () => {
    const rng = new nd.Rng(0);
    const x = nd.randn([4, 3], rng);
    const w = nd.randn([3, 2], rng);
    const b = nd.tensor([0.1, -0.1]);
    const y = nd.add(nd.matmul(x, w), b);
    expect(y.shape).toEqual([4, 2]);
    const dy = nd.onesLike(y);
    const dw = nd.matmul(nd.transpose(x), dy);
    const db = nd.sum(dy, 0);
    expect(dw.shape).toEqual([3, 2]);
    expect(nd.allclose(dw, nd.matmul(nd.transpose(x), nd.ones([4, 2])))).toBe(true);
    expect(db.toArray()).toEqual([4, 4]);
  });
});

describe("sandbox compatibility", () => {
  it("bundles without imports and runs in a bare realm where Math.random and crypto throw", async () => {
    const entry = fileURLToPath(new URL("./index.ts", import.meta.url));
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: "iife",
      globalName: "nd",
      platform: "neutral",
      target: "es2022",
      logLevel: "silent",
    });
    const code = result.outputFiles[0]!.text;
    for (const banned of ["Math.random", "crypto", "eval(", "new Function", "require(", "process.", "globalThis.", "Proxy"]) {
      expect(code.includes(banned), banned).toBe(false);
    }
    const out = runInNewContext(
      `Math.random = () => { throw new Error("Math.random used"); };
       Object.defineProperty(globalThis, "crypto", { get() { throw new Error("crypto used"); } });
       ${code}
       const rng = new nd.Rng(42);
       const y = nd.matmul(nd.randn([3, 4], rng), nd.randn([4, 2], rng));
       nd.seed(1);
       JSON.stringify({ shape: y.shape, first: rng.next(), perm: Array.from(nd.shuffle(4)), s: String(nd.eye(2)) });`,
      {},
    ) as string;
    const parsed = JSON.parse(out) as { shape: number[]; first: number; perm: number[]; s: string };
    expect(parsed.shape).toEqual([3, 2]);
    const rng = new nd.Rng(42);
    nd.randn([3, 4], rng);
    nd.randn([4, 2], rng);
    expect(parsed.first).toBe(rng.next());
    expect(parsed.perm.sort()).toEqual([0, 1, 2, 3]);
    expect(parsed.s).toBe("tensor([[1, 0],\n        [0, 1]])");
  });
});
