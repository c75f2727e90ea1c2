import { describe, expect, it } from "vitest";
import { parseRoster } from "./roster.ts";

describe("parseRoster", () => {
  it("reads email,name,section in any column order, normalising emails", () => {
    const r = parseRoster("name,section,email\nAda Lovelace,A,ADA@example.org\n\"Turing, Alan\",B,alan@example.org\n");
    expect(r.errors).toEqual([]);
    expect(r.rows).toEqual([
      { email: "ada@example.org", name: "Ada Lovelace", section: "A", studentId: "", line: 2 },
      { email: "alan@example.org", name: "Turing, Alan", section: "B", studentId: "", line: 3 },
    ]);
  });
  it("reads an optional student_id column", () => {
    expect(parseRoster("email,name,student_id\nada@example.org,Ada,S-17\n").rows).toEqual([{ email: "ada@example.org", name: "Ada", section: "", studentId: "S-17", line: 2 }]);
  });
  it("reports every bad row with its line and field, and imports nothing", () => {
    const r = parseRoster("email,name,section\nok@example.org,Ok,A\nnot-an-email,Bad,A\n,NoEmail,A\nok@example.org,Dup,B\nx@example.org,,C\n");
    expect(r.rows).toEqual([]);
    expect(r.errors).toEqual([
      { line: 3, field: "email", message: '"not-an-email" is not an email address' },
      { line: 4, field: "email", message: "email is empty" },
      { line: 5, field: "email", message: "ok@example.org is already on line 2" },
      { line: 6, field: "name", message: "name is empty" },
    ]);
  });
  it("explains a missing header and an empty file", () => {
    expect(parseRoster("a,b\n1,2\n").errors[0].message).toMatch(/header row lacks 'email' and 'name'/);
    expect(parseRoster("").errors[0].message).toMatch(/the file is empty/);
    expect(parseRoster('email,name\n"unterminated,x\n').errors[0].message).toMatch(/not valid CSV/);
  });
});
