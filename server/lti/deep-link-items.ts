/**
 * What the deep-linking picker offers and what a pick becomes: catalogue exercises (each its own
 * resource link, in an assignment of the LMS course's GradLab course) or a whole existing
 * assignment of that GradLab course (one resource link).
 */
import { inArray } from "drizzle-orm";
import { assignments } from "../../db/schema.ts";
import { db, findExercise, getCatalogue, HttpError, type SessionUser } from "../context.ts";
import { assignmentOf, myCourses, requireCourse } from "../courses/index.ts";
import { localizedTitle } from "../localized-exercise.ts";
import { assignmentForExercise, contextRow, courseForContext, enrolFromLms } from "./contexts.ts";
import { LtiError } from "./errors.ts";
import type { DeepLinkSession, ResourceLinkItem } from "./deep-link.ts";

export interface PickerOptions {
  sets: { id: string; title: string; exercises: { id: string; title: string; summary: string; points: number }[] }[];
  assignments: { ref: string; courseTitle: string; title: string; exercises: number; points: number }[];
}

/** A pick from the picker's form: exercise ids, or one assignment as `courseId/assignmentId`. */
export interface Pick {
  exercises: string[];
  assignment: string | null;
}

/** Finds or makes the GradLab course of the LMS course the request came from (H5's lti_contexts); null without a context. */
export type CourseForSession = (user: SessionUser, session: DeepLinkSession) => Promise<string | null> | string | null;

/**
 * The GradLab course of the request's LMS course (the launch made it), whose assignments may be
 * linked whole: its learners are enrolled there by their launches. Without a context, any course
 * the instructor teaches.
 */
export function contextCourseOf(session: DeepLinkSession): string | null {
  return session.context ? (contextRow(db, session.context.platformId, session.context.deploymentId, session.context.contextId)?.courseId ?? null) : null;
}

export async function pickerOptions(user: SessionUser, locale: string, onlyCourse: string | null = null): Promise<PickerOptions> {
  const cat = await getCatalogue();
  const sets = cat.sets
    .map((s) => ({ id: s.id, title: s.title, exercises: s.exercises.map((e) => ({ id: e.id, title: localizedTitle(e.meta.title, e.files.statement, locale), summary: e.meta.summary, points: e.points })) }))
    .filter((s) => s.exercises.length > 0);
  const taught = myCourses(user).filter((c) => c.role === "instructor" && !c.archived && (!onlyCourse || c.id === onlyCourse));
  const titles = new Map(taught.map((c) => [c.id, c.title]));
  const rows = taught.length ? db.select().from(assignments).where(inArray(assignments.courseId, [...titles.keys()])).orderBy(assignments.createdAt).all() : [];
  const points = new Map(cat.exercises.map((e) => [e.id, e.points]));
  return {
    sets,
    assignments: rows.map((a) => ({ ref: `${a.courseId}/${a.id}`, courseTitle: titles.get(a.courseId)!, title: a.title, exercises: a.exerciseIds.length, points: a.exerciseIds.reduce((s, id) => s + (points.get(id) ?? 0), 0) })),
  };
}

/** The form's fields as a pick (repeated `exercise` fields; one `assignment`). */
export function pickOf(form: URLSearchParams): Pick {
  return { exercises: [...new Set(form.getAll("exercise").filter(Boolean))], assignment: form.get("assignment") || null };
}

async function wholeAssignment(user: SessionUser, session: DeepLinkSession, ref: string): Promise<ResourceLinkItem> {
  const [courseId, assignmentId] = ref.split("/");
  if (!courseId || !assignmentId) throw new LtiError(400, "deep_link_bad_pick", `"${ref}" is not an assignment of yours: pick one from the list.`);
  const only = contextCourseOf(session);
  if (only && courseId !== only) throw new LtiError(400, "deep_link_bad_pick", "Only an assignment of this LMS course's GradLab course can be linked whole (its learners are enrolled there): pick one from the list.");
  try {
    requireCourse(user, courseId, "instructor");
    const a = assignmentOf(courseId, assignmentId);
    const exercises = await Promise.all(a.exerciseIds.map((id) => findExercise(id)));
    return { title: a.title, custom: { course: courseId, assignment: a.id }, scoreMaximum: exercises.reduce((s, e) => s + (e?.points ?? 0), 0), resourceId: a.id };
  } catch (e) {
    if (e instanceof HttpError) throw new LtiError(403, "deep_link_bad_pick", `You cannot link that assignment: ${e.message}`);
    throw e;
  }
}

/**
 * The resource links for a pick. Picked exercises go into the LMS course's GradLab course (made on
 * first use, the instructor enrolled): each in the assignment that has it there, else in a new one
 * of its own (contexts.ts assignmentForExercise), so that its scores count in the course.
 */
export async function itemsForPick(user: SessionUser, session: DeepLinkSession, pick: Pick, locale: string, courseFor: CourseForSession): Promise<ResourceLinkItem[]> {
  if (pick.assignment && pick.exercises.length) throw new LtiError(400, "deep_link_mixed_pick", "Pick exercises or one whole assignment, not both.");
  if (pick.assignment) return [await wholeAssignment(user, session, pick.assignment)];
  const exercises = [];
  for (const id of pick.exercises) {
    const ex = await findExercise(id);
    if (!ex) throw new LtiError(400, "deep_link_bad_pick", `There is no exercise "${id}" in GradLab's catalogue: pick one from the list.`);
    exercises.push(ex);
  }
  const courseId = exercises.length ? await courseFor(user, session) : null;
  return exercises.map((ex) => {
    const title = localizedTitle(ex.meta.title, ex.files.statement, locale);
    if (courseId) assignmentForExercise(db, courseId, ex.id, title);
    // The exercise alone: its launch records the link as grading this exercise (passback.ts joinContext).
    return { title, text: ex.meta.summary, custom: { exercise: ex.id }, scoreMaximum: ex.points, resourceId: ex.id };
  });
}

/** The GradLab course of the request's LMS course, found or made, with the deep-linking instructor enrolled in it. */
export const courseOfSession: CourseForSession = (user, session) => {
  if (!session.context) return null;
  const { context, courseId } = courseForContext(db, session.context, user.id);
  enrolFromLms(db, context, user.id, ["instructor"]);
  return courseId;
};
