import { diffLines } from "diff";
import { useTranslations } from "next-intl";

type Line = { kind: "add" | "del" | "same"; text: string } | { kind: "skip"; count: number };

/** The diff as lines; with `context`, runs of unchanged lines longer than that around changes fold into one "skip" line. */
function diffAsLines(a: string, b: string, context?: number): Line[] {
  const lines: Line[] = diffLines(a, b).flatMap((p) =>
    p.value
      .replace(/\n$/, "")
      .split("\n")
      .map((text): Line => ({ kind: p.added ? "add" : p.removed ? "del" : "same", text })),
  );
  if (context === undefined) return lines;
  const near = lines.map(() => false);
  lines.forEach((l, i) => {
    if (l.kind === "same") return;
    for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++) near[j] = true;
  });
  const out: Line[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (near[i]) out.push(lines[i]);
    else if (out.at(-1)?.kind === "skip") (out.at(-1) as { count: number }).count++;
    else out.push({ kind: "skip", count: 1 });
  }
  return out;
}

/**
 * A line diff from `a` to `b` (removed lines red with "- ", added green with "+ "); with
 * `context`, only that many unchanged lines are shown around each change. Server or client
 * (next-intl's useTranslations works in both).
 */
export function CodeDiff({ a, b, testId = "diff", context }: { a: string; b: string; testId?: string; context?: number }) {
  const t = useTranslations("diff");
  return (
    <pre className="diff" data-testid={testId}>
      {diffAsLines(a, b, context).map((l, i) =>
        l.kind === "skip" ? (
          <span key={i} className="skip muted">
            {`  ⋯ ${t("unchanged", { count: l.count })}\n`}
          </span>
        ) : (
          <span key={i} className={l.kind}>
            {l.kind === "add" ? "+ " : l.kind === "del" ? "- " : "  "}
            {l.text}
            {"\n"}
          </span>
        ),
      )}
    </pre>
  );
}
