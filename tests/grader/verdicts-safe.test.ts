/** What a learner reads when the queue gives up never shows host paths, stacks or the Node version. */
import { expect, test } from "vitest";
import { gaveUpResult, learnerSafe } from "../../grader/verdicts.ts";

const childStderr = "sandbox child exited with code 1: Error: boom at /srv/gradlab/grader/sandbox/child-main.ts:12:3\n    at run (file:///srv/gradlab/grader/sandbox/child-main.ts:40:9)\nNode.js v24.21.0";

test("a give-up message keeps the gist and drops host details", () => {
  for (const maxScore of [0, 10]) {
    const { message } = gaveUpResult("dense", 3, childStderr, undefined, undefined, maxScore);
    expect(message).toContain("sandbox child exited with code 1");
    expect(message).not.toMatch(/\/srv|child-main|v24|Node\.js|\n\s+at /);
  }
});

test("learnerSafe bounds the text and never returns an empty reason", () => {
  expect(learnerSafe("x".repeat(5000)).length).toBeLessThanOrEqual(201);
  expect(learnerSafe("")).toBe("no details");
  expect(learnerSafe("lease lost to worker 2")).toBe("lease lost to worker 2");
});
