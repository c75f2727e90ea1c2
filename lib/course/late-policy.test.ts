import { describe, expect, it } from "vitest";
import { applyLatePolicy, submissionAllowed } from "./late-policy.ts";

const due = new Date("2026-12-01T22:59:00Z");
const at = (iso: string) => new Date(iso);
const base = { score: 8, maxScore: 10, dueAt: due };

describe("applyLatePolicy", () => {
  it("keeps on-time work whole, under every policy", () => {
    for (const policy of [{ kind: "none" }, { kind: "cutoff" }, { kind: "penalty", percentPerDay: 10 }] as const) {
      expect(applyLatePolicy({ ...base, submittedAt: at("2026-12-01T22:59:00Z"), policy })).toMatchObject({ score: 8, daysLate: 0, accepted: true });
    }
  });
  it("counts started days and applies a per-day penalty, capped at 100%", () => {
    expect(applyLatePolicy({ ...base, submittedAt: at("2026-12-01T23:00:00Z"), policy: { kind: "penalty", percentPerDay: 10 } })).toMatchObject({ score: 7.2, daysLate: 1, penaltyPercent: 10, note: "1 day late: −10%" });
    expect(applyLatePolicy({ ...base, submittedAt: at("2026-12-03T23:00:00Z"), policy: { kind: "penalty", percentPerDay: 10 } })).toMatchObject({ score: 5.6, daysLate: 3 });
    expect(applyLatePolicy({ ...base, submittedAt: at("2027-02-01T00:00:00Z"), policy: { kind: "penalty", percentPerDay: 10 } })).toMatchObject({ score: 0, penaltyPercent: 100 });
    expect(applyLatePolicy({ ...base, submittedAt: at("2026-12-05T00:00:00Z"), policy: { kind: "penalty", percentPerDay: 10, maxDaysLate: 2 } })).toMatchObject({ score: 0, accepted: false });
  });
  it("zeroes work after a hard cutoff, and accepts it under 'none'", () => {
    expect(applyLatePolicy({ ...base, submittedAt: at("2026-12-01T23:00:00Z"), policy: { kind: "cutoff" } })).toMatchObject({ score: 0, accepted: false });
    expect(applyLatePolicy({ ...base, submittedAt: at("2026-12-09T23:00:00Z"), policy: { kind: "none" } })).toMatchObject({ score: 8, daysLate: 9, accepted: true }); // 8 days and a minute: 9 started days
  });
  it("lifts the penalty when an extension covers the submission", () => {
    const late = { ...base, submittedAt: at("2026-12-02T12:00:00Z"), policy: { kind: "penalty", percentPerDay: 20 } } as const;
    expect(applyLatePolicy(late).score).toBe(6.4);
    expect(applyLatePolicy({ ...late, extensionUntil: at("2026-12-03T00:00:00Z") })).toMatchObject({ score: 8, daysLate: 0 });
    expect(applyLatePolicy({ ...late, extensionUntil: at("2026-11-01T00:00:00Z") }).score).toBe(6.4); // an earlier "extension" never shortens
  });
});

describe("submissionAllowed", () => {
  const now = at("2026-12-01T12:00:00Z");
  it("enforces a submission limit and a cool-down, saying until when", () => {
    expect(submissionAllowed({ maxSubmissions: 3 }, { count: 3, lastAt: now }, now)).toMatchObject({ ok: false, reason: expect.stringMatching(/all 3 submissions/) });
    const r = submissionAllowed({ cooldownSeconds: 60 }, { count: 1, lastAt: at("2026-12-01T11:59:30Z") }, now);
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/wait 30 s/) });
    expect(submissionAllowed({ cooldownSeconds: 60, maxSubmissions: 5 }, { count: 1, lastAt: at("2026-12-01T11:58:00Z") }, now)).toEqual({ ok: true });
  });
});
