/** What only staff see of an exercise (solution, version, hidden checks) and validating it. */
import { readFileSync } from "node:fs";
import { text } from "../../lib/i18n/server-text.ts";
import { findExercise, getCatalogue, HttpError, type SessionUser } from "../context.ts";
import { isStaffAnywhere } from "./roles.ts";

export interface AuthorView {
  solution: string;
  version: string;
  dir: string;
  hiddenChecks: string[];
}

/** What only staff see of an exercise: its solution, version and hidden checks' names. */
export async function authorView(user: SessionUser, exerciseId: string): Promise<AuthorView> {
  if (!isStaffAnywhere(user)) throw new HttpError(403, text("errors.course.solutionsStaff"));
  const ex = await findExercise(exerciseId);
  if (!ex) throw new HttpError(404, text("errors.course.unknownExercise", { exercise: exerciseId }));
  return { solution: readFileSync(ex.files.solution, "utf8"), version: ex.version, dir: ex.dir, hiddenChecks: ex.suite.checks.filter((c) => c.visibility === "hidden").map((c) => c.name) };
}

/** Run `gradlab validate` for one exercise, in this process (acceptable for staff). */
export async function validateExercise(user: SessionUser, exerciseId: string) {
  if (!isStaffAnywhere(user)) throw new HttpError(403, text("errors.course.validateStaff"));
  const ex = await findExercise(exerciseId);
  if (!ex) throw new HttpError(404, text("errors.course.unknownExercise", { exercise: exerciseId }));
  const { validateCatalogue } = await import("../../grader/validate.ts");
  const cat = await getCatalogue();
  return validateCatalogue(cat, { only: [exerciseId] });
}
