// Run's time budget charges the learner only for the time inside their own code (issue 12.11a).
import { describe, expect, it } from "vitest";
import { LearnerBudget } from "../../app/_run/learner-budget.ts";

describe("LearnerBudget", () => {
  it("charges what the sandbox measured, not the reference's work between calls", () => {
    const b = new LearnerBudget(1000);
    // Three calls of 100 ms each, each reply arriving 2 s after the call because the Run worker
    // was compiling WebGL shaders: the learner used 300 ms, not 6 s.
    for (let i = 0; i < 3; i++) b.charge(2000, 100);
    expect(b.spentMs()).toBe(300);
    expect(b.left()).toBe(700);
    expect(b.exhausted()).toBe(false);
  });

  it("charges the wall time when the sandbox did not say, and never more than the wall time", () => {
    const b = new LearnerBudget(1000);
    b.charge(250);
    b.charge(100, 5000); // a reply claiming more than it took
    b.charge(50, Number.NaN);
    b.charge(40, -10); // nonsense is bounded below by 0
    expect(b.spentMs()).toBe(400);
  });

  it("runs out: left() stays positive for a timer, exhausted() says so", () => {
    const b = new LearnerBudget(300);
    b.charge(200, 200);
    b.charge(200, 200);
    expect(b.exhausted()).toBe(true);
    expect(b.left()).toBe(1);
  });
});
