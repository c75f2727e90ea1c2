/** The grader's verdict. Field names follow Gradescope's results.json (see DESIGN.md). */
export type GradeStatus = "passed" | "failed" | "error" | "timeout" | "memory";

export interface TestResult {
  name: string;
  score: number;
  maxScore: number;
  status: "passed" | "failed";
  /** What went wrong and a hint. For hidden checks: pass/fail and the hint only. */
  output: string;
  visibility: "visible" | "hidden";
  /** Pictures' data for the results panel (heatmaps, curves). Never hidden inputs. */
  data?: Record<string, unknown>;
}

export interface GradeResult {
  exercise: string;
  score: number;
  maxScore: number;
  status: GradeStatus;
  tests: TestResult[];
  stdout: string;
  durationMs: number;
  /** Seed the hidden cases were drawn from (so a verdict can be reproduced by an instructor). */
  seed?: string;
  /** Content hash of the exercise version graded against. */
  version?: string;
  /** Why grading stopped early (compile error, limit), when it did. */
  message?: string;
}
