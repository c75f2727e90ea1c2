/**
 * Shared fast-check arbitraries and reference implementations for the
 * `lib/nd` tests. Test-only: not exported through the barrel.
 *
 * @module
 */

import fc from "fast-check";

/** Two shapes that broadcast together: derived from one shape by dropping leading axes and setting some axes to 1. */
export const broadcastPairArb: fc.Arbitrary<{ a: number[]; b: number[] }> = fc
  .tuple(
    fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
    fc.nat(4),
    fc.nat(4),
    fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  )
  .map(([out, dropA, dropB, ones]) => {
    const a = out.slice(Math.min(dropA, out.length)).map((d, i) => (ones[i]! ? 1 : d));
    const b = out.slice(Math.min(dropB, out.length)).map((d, i) => (ones[i + 4]! ? 1 : d));
    return { a, b };
  });

/** Deterministic "random" values for a given size (no Math.random), integers in [-5, 5]. */
export function sampleValues(n: number, salt = 0): number[] {
  return Array.from({ length: n }, (_, i) => (((i + 1) * 7919 + salt * 104729) % 11) - 5);
}
