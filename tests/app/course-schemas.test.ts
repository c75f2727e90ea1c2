// The course API's request bodies (server/courses/schemas.ts): a bad body is a 400 that names each
// wrong field and says what it takes; form-style strings ("" for none, "3" for 3) are accepted.
import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

process.env.GRADLAB_DATA_DIR = mkdtempSync(join(tmpdir(), "gradlab-schemas-"));
const S = await import("../../server/courses/schemas.ts");
const { HttpError } = await import("../../server/context.ts");

function error(schema: Parameters<typeof S.parseBody>[0], body: unknown): { status: number; message: string } {
  try {
    S.parseBody(schema, body);
  } catch (e) {
    expect(e).toBeInstanceOf(HttpError);
    return { status: (e as InstanceType<typeof HttpError>).status, message: (e as Error).message };
  }
  throw new Error("expected a 400");
}

describe("course request bodies", () => {
  it("names every wrong field and what it takes", () => {
    expect(error(S.NewCourse, { title: " ", timeZone: "Mars/Olympus" })).toEqual({
      status: 400,
      message: `'title' is required. 'timeZone': Unknown time zone "Mars/Olympus": use an IANA name such as "Europe/Paris" or "UTC".`,
    });
    expect(error(S.NewCourse, "a string").message).toBe("The body must be a JSON object.");
    const bad = error(S.NewAssignment("UTC"), { title: "A", exerciseIds: [], dueAt: "tomorrow", latePolicy: { kind: "penalty", percentPerDay: 0 }, maxSubmissions: "2.5" }).message;
    expect(bad).toContain("'exerciseIds' must list at least one exercise.");
    expect(bad).toContain(`'dueAt' is wrong: "tomorrow" is not a date and time like 2026-12-01T23:59.`);
    expect(bad).toContain("'latePolicy.percentPerDay' must be a number in (0, 100].");
    expect(bad).toContain("'maxSubmissions' must be a whole number ≥ 1 (or empty for none).");
    expect(error(S.NewAssignment("UTC"), { title: "A", exerciseIds: ["dense"], latePolicy: { kind: "later" } }).message).toBe("'latePolicy.kind' must be none, penalty (with percentPerDay) or cutoff.");
    expect(error(S.MemberRole, { email: "a@x.org", role: "boss" }).message).toBe("'role' must be learner, ta or instructor.");
  });

  it("takes form strings: empty is none, numbers as text, ids as a list or a string, dates in the course's zone", () => {
    const a = S.parseBody(S.NewAssignment("Europe/Paris"), { title: " Layers ", exerciseIds: "dense, lstm", releaseAt: "", dueAt: "2026-12-01T23:59", latePolicy: { kind: "penalty", percentPerDay: "10", maxDaysLate: "" }, maxSubmissions: "3", cooldownSeconds: "" });
    expect(a).toEqual({ title: "Layers", exerciseIds: ["dense", "lstm"], releaseAt: null, dueAt: new Date("2026-12-01T22:59:00Z"), latePolicy: { kind: "penalty", percentPerDay: 10 }, maxSubmissions: 3, cooldownSeconds: null });
    expect(S.parseBody(S.NewAssignment("UTC"), { title: "x", exerciseIds: ["dense"] }).latePolicy).toEqual({ kind: "none" });
    expect(S.parseBody(S.MemberRole, { email: " Ada@Example.com ", role: "ta" }).email).toBe("ada@example.com");
  });
});
