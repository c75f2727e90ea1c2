/**
 * The course API's request bodies as zod schemas. A bad body is a 400 whose message names each
 * wrong field and says what it takes, e.g. `'latePolicy.percentPerDay' must be a number in (0, 100].`
 * Form posts send numbers as strings and empty inputs as "", so counts and dates accept both.
 */
import { z } from "zod";
import { isTimeZone, parseLocalDateTime } from "../../lib/course/dates.ts";
import { text as say, type ServerText, type TextValue } from "../../lib/i18n/server-text.ts";
import { HttpError } from "../context.ts";
import { COURSE_ROLES } from "./roles.ts";

/** The parsed body, or a 400 naming every wrong field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const out = schema.safeParse(body ?? {});
  if (out.success) return out.data;
  throw new HttpError(400, describeIssues(out.error.issues));
}

/**
 * zod carries messages as strings: ours are message keys (errors.body.*, lib/i18n/server-text.ts)
 * packed as `§key§{json values}` so the API can answer in the reader's language.
 */
export const problem = (key: string, params?: Record<string, TextValue>): string => `§errors.body.${key}§${params ? JSON.stringify(params) : ""}`;

function problemText(message: string): ServerText {
  const m = /^§([\w.]+)§(.*)$/s.exec(message);
  if (!m) return say("errors.body.said", { message });
  return say(m[1], m[2] ? (JSON.parse(m[2]) as Record<string, TextValue>) : undefined);
}

/** Every wrong field, as sentences: "'title' is required." reads as one; a message that is one already follows a colon. */
export function describeIssues(issues: z.core.$ZodIssue[]): ServerText[] {
  return issues.slice(0, 6).map((i) => {
    const said = problemText(i.message);
    if (!i.path.length) return said;
    const sentence = said.code === "errors.body.unknownTimeZone" || said.code === "errors.body.object" || (said.code === "errors.body.said" && /^[A-Z]/.test(i.message));
    return say(sentence ? "errors.body.fieldSentence" : "errors.body.field", { field: i.path.join("."), problem: said });
  });
}

const empty = (v: unknown) => v === undefined || v === null || v === "";

/** Required text, trimmed, at most `max` characters. */
export const text = (max = 200) =>
  z.string({ error: problem("required") }).max(max, { error: problem("tooLong", { max }) }).trim().min(1, { error: problem("required") });

export const email = text(320).transform((s) => s.toLowerCase());

export const timeZone = text(64).refine(isTimeZone, { error: (i) => problem("unknownTimeZone", { zone: String(i.input) }) });

/** A whole number ≥ 1, or none (absent, null, ""). */
export const optionalCount = z.preprocess(
  (v) => (empty(v) ? null : typeof v === "string" ? Number(v) : v),
  z.number({ error: problem("count") }).int({ error: problem("count") }).min(1, { error: problem("count") }).nullable(),
);

/** A wall-clock date and time in the course's zone ("2026-12-01T23:59"), or none. */
export const localDateTime = (tz: string) =>
  z
    .union([z.string(), z.null()], { error: problem("localDateTime") })
    .optional()
    .transform((v, ctx): Date | null => {
      if (empty(v)) return null;
      try {
        return parseLocalDateTime(v!, tz);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: problem("wrongDateTime", { why: (e as Error).message }) });
        return z.NEVER;
      }
    });

const PERCENT = problem("percent");
const DAYS = problem("days");
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
    { error: problem("latePolicy") },
  ),
);

/** Exercise ids as a JSON list or a comma/space separated string (a form field). */
export const exerciseIds = z.preprocess(
  (v) => (Array.isArray(v) ? v.filter((x) => typeof x === "string") : typeof v === "string" ? v.split(/[\s,]+/).filter(Boolean) : []),
  z.array(z.string()).min(1, { error: problem("exerciseIds") }),
);

const obj = <T extends z.ZodRawShape>(shape: T) => z.object(shape, { error: problem("object") });

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

export const Confirmation = obj({ confirm: z.string({ error: problem("confirm") }) });

export const Archive = obj({ archived: z.boolean({ error: problem("archived") }) });

export const MemberRemoval = obj({ email });

export const TaRights = obj({ email, canExtend: z.boolean({ error: problem("boolean") }) });

export const Override = obj({
  email,
  exerciseId: text(),
  /** null ends the override (the autograder's score applies again). */
  score: z.preprocess((v) => (v === "" ? null : typeof v === "string" ? Number(v) : v), z.number({ error: problem("overrideScore") }).min(0, { error: problem("nonNegative") }).nullable()),
  /** Required: the learner reads it with the score. */
  comment: text(2000),
});

export const Comment = obj({ body: text(2000) });

export const Extension = (tz: string) => obj({ email, until: localDateTime(tz) });

export const Roster = obj({ csv: z.string({ error: problem("csv") }) });

export const MemberRole = obj({
  email,
  role: z.enum(COURSE_ROLES as ["learner", "ta", "instructor"], { error: problem("role") }),
  section: z.string().transform((s) => s.slice(0, 100)).optional().catch(undefined),
});

export const InvitationAnswer = obj({ accept: z.boolean({ error: problem("accept") }) });

export const Regrade = obj({
  exerciseId: text(),
  email: z.string().trim().toLowerCase().optional().catch(undefined),
  allowLower: z.boolean().optional().catch(undefined),
});
