/**
 * How an exercise is defined: `exercise.json` (metadata, schema below) and `checks.ts`, whose
 * default export is `defineChecks({...})` (lib/checks/define.ts). Checks are isomorphic: they receive
 * the learner's module, the tfjs reference and a seeded RNG, so the browser's Run can execute visible ones.
 */
import { z } from "zod";

export const exerciseMetaSchema = z
  .object({
    title: z.string().min(1),
    summary: z.string().min(1).describe("one line shown in the problem-set list"),
    topic: z.string().min(1),
    tags: z.array(z.string()).default([]),
    order: z.number().int().nonnegative().describe("position within its set"),
    exports: z.array(z.string().regex(/^[A-Za-z_$][\w$]*$/)).min(1),
    limits: z
      .object({
        /** Wall-clock budget for the whole grading of one submission. */
        timeoutMs: z.number().int().positive().max(600_000).default(10_000),
        /** CPU budget for learner code in the isolate. */
        cpuMs: z.number().int().positive().max(600_000).optional(),
        /** Isolate heap, MiB. */
        memoryMb: z.number().int().min(16).max(4096).default(128),
      })
      .strict()
      .default({ timeoutMs: 10_000, memoryMb: 128 }),
  })
  .strict();

export type ExerciseMeta = z.infer<typeof exerciseMetaSchema>;
