import { diffLines } from "diff";

/** A line diff from `a` to `b` (removed lines red with "- ", added green with "+ "); no hooks, so server or client. */
export function CodeDiff({ a, b, testId = "diff" }: { a: string; b: string; testId?: string }) {
  const parts = diffLines(a, b);
  return (
    <pre className="diff" data-testid={testId}>
      {parts.map((p, i) =>
        p.value
          .replace(/\n$/, "")
          .split("\n")
          .map((line, j) => (
            <span key={`${i}-${j}`} className={p.added ? "add" : p.removed ? "del" : "same"}>
              {p.added ? "+ " : p.removed ? "- " : "  "}
              {line}
              {"\n"}
            </span>
          )),
      )}
    </pre>
  );
}
