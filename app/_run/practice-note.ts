/**
 * Whether a check scored on Run's practice digits (app/_run/mnist-practice.ts) since the last
 * look, so the Run worker can say so under that check: a practice accuracy, not the graded one.
 */
let used = false;

export function notePractice(): void {
  used = true;
}

export function takePracticeUse(): boolean {
  const was = used;
  used = false;
  return was;
}
