/**
 * Running a class: courses, members and their roles, assignments (release and due dates, late
 * policy, attempt rules), extensions, roster import, invites, the gradebook, per-exercise
 * analytics and regrades. Every workflow checks the caller's role in the course itself (roles.ts),
 * so pages, route handlers and tests all get the same decision; request bodies are checked by
 * schemas.ts. Pure rules live in lib/course/.
 */
export * from "./roles.ts";
export * from "./courses.ts";
export * from "./course-detail.ts";
export * from "./assignments.ts";
export * from "./assignment-edits.ts";
export * from "./members.ts";
export * from "./submission-gate.ts";
export * from "./exam.ts";
export * from "./exercise-rules.ts";
export * from "./gradebook.ts";
export * from "./gradebook-csv.ts";
export * from "./overrides.ts";
export * from "./exports.ts";
export * from "./lifecycle.ts";
export * from "./history.ts";
export * from "./analytics.ts";
export * from "./regrades.ts";
export * from "./authoring.ts";
export { parseBody } from "./schemas.ts";
