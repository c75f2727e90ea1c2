/**
 * The course API's request bodies as zod schemas. A bad body is a 400 whose message names each
 * wrong field and says what it takes, e.g. `'latePolicy.percentPerDay' must be a number in (0, 100].`
 * Form posts send numbers as strings and empty inputs as "", so counts and dates accept both.
 */
import { z } from "zod";
import { isTimeZone, parseLocalDateTime } from "../../lib/course/dates.ts";
import { HttpError } from "../context.ts";
import { COURSE_ROLES } from "./roles.ts";

/** The parsed body, or a 400 naming every wrong field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const out = schema.safeParse(body ?? {});
  if (out.success) return out.data;
  throw new HttpError(400, describeIssues(out.error.issues));
}

export function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 6)
    // "'title' is required." reads as a sentence; a message that is one already follows a colon.
    .map((i) => (!i.path.length ? i.message : /^[A-Z]/.test(i.message) ? `'${i.path.join(".")}': ${i.message}` : `'${i.path.join(".")}' ${i.message}`))
    .join(" ");
}

const empty = (v: unknown) => v === undefined || v === null || v === "";

/** Required text, trimmed, at most `max` characters. */
export const text = (max = 200) =>
  z.string({ error: "is required." }).max(max, { error: `is longer than ${max} characters.` }).trim().min(1, { error: "is required." });

export const email = text(320).transform((s) => s.toLowerCase());

export const timeZone = text(64).refine(isTimeZone, { error: (i) => `Unknown time zone "${String(i.input)}": use an IANA name such as "Europe/Paris" or "UTC".` });

/** A whole number ≥ 1, or none (absent, null, ""). */
export const optionalCount = z.preprocess(
  (v) => (empty(v) ? null : typeof v === "string" ? Number(v) : v),
  z.number({ error: "must be a whole number ≥ 1 (or empty for none)." }).int({ error: "must be a whole number ≥ 1 (or empty for none)." }).min(1, { error: "must be a whole number ≥ 1 (or empty for none)." }).nullable(),
);

/** A wall-clock date and time in the course's zone ("2026-12-01T23:59"), or none. */
export const localDateTime = (tz: string) =>
  z
    .union([z.string(), z.null()], { error: "must be a local date and time like 2026-12-01T23:59." })
    .optional()
    .transform((v, ctx): Date | null => {
      if (empty(v)) return null;
      try {
        return parseLocalDateTime(v!, tz);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: `is wrong: ${(e as Error).message}.` });
        return z.NEVER;
      }
    });

const PERCENT = "must be a number in (0, 100].";
const DAYS = "must be a whole number of days (or empty for no limit).";
export const latePolicy = z.preprocess(
  (v) => v ?? { kind: "none" },
  z.discriminatedUnion(
    "kind",
    [
      z.object({ kind: z.literal("none") }),
      z.object({ kind: z.literal("cutoff") }),
      z.object({
        kind: z.literal("penalty"),
        percentPerDay: z.coerce.number({ error: PERCENT }).gt(0, { error: PERCENT }).max(100, { error: PERCENT }),
        maxDaysLate: z.preprocess((v) => (empty(v) ? undefined : typeof v === "string" ? Number(v) : v), z.number({ error: DAYS }).int({ error: DAYS }).min(0, { error: DAYS }).optional()),
      }),
    ],
    { error: "must be none, penalty (with percentPerDay) or cutoff." },
  ),
);

/** Exercise ids as a JSON list or a comma/space separated string (a form field). */
export const exerciseIds = z.preprocess(
  (v) => (Array.isArray(v) ? v.filter((x) => typeof x === "string") : typeof v === "string" ? v.split(/[\s,]+/).filter(Boolean) : []),
  z.array(z.string()).min(1, { error: "must list at least one exercise." }),
);

const obj = <T extends z.ZodRawShape>(shape: T) => z.object(shape, { error: "The body must be a JSON object." });

// ---- the bodies ------------------------------------------------------------------------------

export const NewCourse = obj({ title: text(), timeZone });
export const CourseChange = obj({ title: text().optional(), timeZone: timeZone.optional() });

export const NewAssignment = (tz: string) =>
  obj({
    title: text(),
    exerciseIds,
    releaseAt: localDateTime(tz),
    dueAt: localDateTime(tz),
    latePolicy,
    maxSubmissions: optionalCount,
    cooldownSeconds: optionalCount,
  });

/** An edit: every field optional, an absent one unchanged. */
export const AssignmentChange = (tz: string) => NewAssignment(tz).partial();

export const Confirmation = obj({ confirm: z.string({ error: "must repeat the title to confirm." }) });

export const Archive = obj({ archived: z.boolean({ error: "must be true (archive) or false (unarchive)." }) });

export const MemberRemoval = obj({ email });

export const TaRights = obj({ email, canExtend: z.boolean({ error: "must be true or false." }) });

export const Override = obj({
  email,
  exerciseId: text(),
  /** null ends the override (the autograder's score applies again). */
  score: z.preprocess((v) => (v === "" ? null : typeof v === "string" ? Number(v) : v), z.number({ error: "must be a number of points, or null to end the override." }).min(0, { error: "must be 0 or more." }).nullable()),
  /** Required: the learner reads it with the score. */
  comment: text(2000),
});

export const Comment = obj({ body: text(2000) });

export const Extension = (tz: string) => obj({ email, until: localDateTime(tz) });

export const Roster = obj({ csv: z.string({ error: 'must be the CSV text: send JSON {"csv": string}.' }) });

export const MemberRole = obj({
  email,
  role: z.enum(COURSE_ROLES as ["learner", "ta", "instructor"], { error: "must be learner, ta or instructor." }),
  section: z.string().transform((s) => s.slice(0, 100)).optional().catch(undefined),
});

export const InvitationAnswer = obj({ accept: z.boolean({ error: 'must be true or false: send JSON {"accept": true} or {"accept": false}.' }) });

export const Regrade = obj({
  exerciseId: text(),
  email: z.string().trim().toLowerCase().optional().catch(undefined),
  allowLower: z.boolean().optional().catch(undefined),
});
