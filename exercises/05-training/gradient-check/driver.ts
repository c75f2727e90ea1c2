/**
 * Trusted code run inside the sandbox. `fns` builds the function the learner differentiates
 * from a name, a seed and a size: `new SandboxFn("tanhNet", [seed, n])` in a check.
 */
import { FUNCTION_NAMES, functionSpec, learnerFunction, type FunctionName } from "./functions.ts";

const build = (name: FunctionName) => (seed: unknown, n: unknown) => learnerFunction(functionSpec(name, Number(seed), Number(n)));

export const fns = Object.fromEntries(FUNCTION_NAMES.map((name) => [name, build(name)]));
