// The results panel's pictures (issue 12.15): heatmap cells named by the same N-D index as the
// messages, and a trajectory that diverged is found where it did.
import { describe, expect, it } from "vitest";
import { cellIndex, divergedAt } from "../../app/_components/Charts.tsx";
import { indexLabel } from "../../lib/checks/results.ts";

describe("charts", () => {
  it("a heatmap cell's index is the messages' N-D index (a 4-D conv kernel folded to rows × last axis)", () => {
    const shape = [3, 3, 2, 4];
    for (const pos of [0, 5, 17, 71]) expect(cellIndex(pos, shape, 4)).toBe(indexLabel(shape, pos));
    expect(cellIndex(17, shape, 4)).toBe("[0,2,0,1]");
    // Without a shape (an older result): rows × cols.
    expect(cellIndex(9, undefined, 4)).toBe("[2,1]");
  });

  it("divergence is where the values stop being finite", () => {
    expect(divergedAt([1, 0.5, 0.2])).toBeUndefined();
    expect(divergedAt([1, 4, 1e30, Infinity, NaN])).toBe(3);
    expect(divergedAt([NaN])).toBe(0);
  });
});
