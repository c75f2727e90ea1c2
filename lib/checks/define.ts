/** How an exercise's `checks.ts` declares its checks: `defineChecks({ checks: [visible(...), hidden(...)] })`. */
import type { Rng } from "../nd/index.ts";
import type { Learner } from "./learner.ts";
import type { Tf } from "./tf.ts";

export interface CheckContext {
  learner: Learner;
  tf: Tf;
  /** Seeded: fixed for visible checks, drawn per submission for hidden ones. */
  rng: Rng;
  /** The seed behind `rng` (for sandbox functions that need one: `new SandboxFn("uniform", [seed])`). */
  seed: number;
  hidden: boolean;
  /**
   * Drawn from the submission's hidden seed in every check, visible ones too. Only for data whose
   * answers must not be memorisable but whose scores are shown (training exercises' validation
   * draws); a visible check's inputs otherwise stay fixed (`rng`).
   */
  submissionSeed?: number;
  /**
   * Names the kind of case about to run ("'same' padding, stride 3, 1x1 kernel", "a batch of 13"):
   * when a hidden check fails, the learner is told the kind of the last case described. Shapes and
   * settings only, never input or expected values. Without it, the message names the learner's
   * function last called and the shapes of its tensor arguments.
   */
  describe(kind: string): void;
  /**
   * Work shared by the checks of one grade (a training, a draw): the first check to ask for `key`
   * starts `make`, and every later check of this grade gets the same promise. Each check has its
   * own `ctx` and `ctx.learner`, so a cache keyed by either would redo the work in every check.
   */
  shared<T>(key: string, make: () => Promise<T>): Promise<T>;
}

export interface CheckOutcome {
  /** Fraction of the points earned (partial credit tiers); 1 when omitted. */
  fraction?: number;
  /** Message shown even on success (e.g. the accuracy reached). */
  output?: string;
  /** A hint for partial credit (how to earn the rest); shown after `output`, and kept for a hidden check's learner. */
  hint?: string;
  /** Pictures' data (curves, trajectories). */
  data?: Record<string, unknown>;
}

export interface Check {
  name: string;
  points: number;
  visibility: "visible" | "hidden";
  /** When a critical check fails, later checks are skipped (they would only repeat the failure). */
  critical?: boolean;
  run(ctx: CheckContext): Promise<CheckOutcome | void>;
}

export interface CheckSuite {
  checks: Check[];
}

/** The default export of an exercise's `checks.ts`. Validates names and points early. */
export function defineChecks(suite: CheckSuite): CheckSuite {
  const seen = new Set<string>();
  for (const c of suite.checks) {
    if (!c.name) throw new Error("defineChecks: a check has no name");
    if (seen.has(c.name)) throw new Error(`defineChecks: two checks are named "${c.name}"`);
    seen.add(c.name);
    if (!(c.points > 0)) throw new Error(`defineChecks: check "${c.name}" has points ${c.points}; points must be positive`);
  }
  if (!suite.checks.some((c) => c.visibility === "visible")) throw new Error("defineChecks: at least one check must be visible");
  if (!suite.checks.some((c) => c.visibility === "hidden")) throw new Error("defineChecks: at least one check must be hidden");
  return suite;
}

/** Shorthands that read like a spec: `visible("name", 2, async (ctx) => {...})`. */
export function visible(name: string, points: number, run: Check["run"], opts: { critical?: boolean } = {}): Check {
  return { name, points, visibility: "visible", run, ...opts };
}
export function hidden(name: string, points: number, run: Check["run"], opts: { critical?: boolean } = {}): Check {
  return { name, points, visibility: "hidden", run, ...opts };
}
