/**
 * An exercise's sandbox limits from its exercise.json alone, before the catalogue (every
 * exercise's checks) has loaded: lets `gradlab grade` start the sandbox child first. Any doubt
 * gives undefined; the grader then uses the loaded exercise's limits as always (a prewarmed child
 * with other limits is simply not used).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_EXERCISES_DIR } from "../grader/exercises.ts";
import { exerciseMetaSchema } from "../lib/exercise.ts";
import type { SandboxLimits } from "../grader/sandbox/isolate-transport.ts";
import { sandboxLimits } from "../grader/grade.ts";

export function peekLimits(id: string, root = process.env.GRADLAB_EXERCISES_DIR ?? DEFAULT_EXERCISES_DIR): SandboxLimits | undefined {
  try {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) return undefined;
    const found = readdirSync(root)
      .map((set) => join(root, set, id, "exercise.json"))
      .filter((f) => existsSync(f));
    if (found.length !== 1) return undefined;
    const meta = exerciseMetaSchema.parse(JSON.parse(readFileSync(found[0]!, "utf8")));
    return sandboxLimits({ meta });
  } catch {
    return undefined;
  }
}
