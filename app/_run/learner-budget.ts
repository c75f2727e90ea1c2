/**
 * The learner's time budget in the browser's Run: only the time their own code runs is charged.
 *
 * The Run worker computes the tfjs reference between the learner's calls (on WebGL each kernel's
 * first use compiles a shader, which can take seconds); none of that is the learner's. The budget
 * is charged with the time the sandbox worker itself measured for each request (its own clock,
 * around the learner's call); a request still pending is charged with the wall time since it was
 * sent, so an endless loop is stopped once that alone uses up what is left.
 */
export class LearnerBudget {
  private spent = 0;
  readonly limitMs: number;

  constructor(limitMs: number) {
    this.limitMs = limitMs;
  }

  /** What is left for the next request, in ms (never below 1, so a timer can still be set). */
  left(): number {
    return Math.max(1, this.limitMs - this.spent);
  }

  /** Whether the learner's code has used up the budget. */
  exhausted(): boolean {
    return this.spent >= this.limitMs;
  }

  /**
   * A request finished: charge what the sandbox measured inside the learner's code, or the wall
   * time it took when the sandbox did not say (never more than that wall time: a sandbox that
   * reports more cannot make the learner pay for the reference's work, and one that reports
   * less, or nonsense, is bounded below by 0).
   */
  charge(wallMs: number, measuredMs?: number): void {
    const ms = typeof measuredMs === "number" && Number.isFinite(measuredMs) ? Math.min(Math.max(0, measuredMs), wallMs) : wallMs;
    this.spent += Math.max(0, ms);
  }

  /** Spent so far, in ms. */
  spentMs(): number {
    return this.spent;
  }
}
