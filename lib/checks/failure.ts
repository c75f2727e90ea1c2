/** Why a check failed, in words for the learner, plus optional pictures' data for the UI. */
export class CheckFailure extends Error {
  /** A targeted hint when the mistake is a known one. */
  readonly hint: string | undefined;
  /** Data for the results panel (e.g. a per-element error heatmap). Never holds hidden inputs. */
  readonly data: Record<string, unknown> | undefined;
  constructor(message: string, opts: { hint?: string; data?: Record<string, unknown> } = {}) {
    super(message);
    this.name = "CheckFailure";
    this.hint = opts.hint;
    this.data = opts.data;
  }
}

/** Learner code ran past a sandbox limit: grading stops and the verdict is `timeout` or `memory`. */
export class SandboxLimitError extends Error {
  readonly kind: "timeout" | "memory";
  constructor(kind: "timeout" | "memory", message: string) {
    super(message);
    this.name = "SandboxLimitError";
    this.kind = kind;
  }
}

/** Throw a CheckFailure unless `cond` holds. */
export function expect(cond: boolean, message: string | (() => string), hint?: string): asserts cond {
  if (!cond) throw new CheckFailure(typeof message === "function" ? message() : message, { hint });
}
