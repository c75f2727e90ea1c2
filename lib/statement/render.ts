/**
 * The statement pipeline: Markdown (GFM: tables, task lists, footnotes) with `$…$` / `$$…$$`
 * math rendered by KaTeX. The exercise page (react-markdown) and `gradlab validate` use the same
 * plugin lists from here, so what validate accepts is what the learner sees.
 */
import rehypeKatex from "rehype-katex";
import rehypeStringify from "rehype-stringify";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import { unified, type PluggableList } from "unified";

/** The little of an mdast/hast node the checks read (both trees share this unist shape). */
interface TreeNode {
  type: string;
  tagName?: string;
  properties?: { className?: unknown };
  value?: string;
  meta?: string | null;
  children?: TreeNode[];
  data?: unknown;
  position?: { start: { line: number; offset?: number }; end: { line: number; offset?: number } };
}

/** Every node with its line, or its nearest ancestor's (KaTeX's output carries no positions). */
function* nodes(node: TreeNode, skip: (n: TreeNode) => boolean = () => false, line?: number): Generator<[TreeNode, number | undefined]> {
  if (skip(node)) return;
  const here = node.position?.start.line ?? line;
  yield [node, here];
  for (const child of node.children ?? []) yield* nodes(child, skip, here);
}


export const statementRemarkPlugins: PluggableList = [remarkGfm, remarkMath, remarkDisplayMathParagraphs];
// rehype-katex renders with throwOnError and catches: each error becomes a message on the file
// (validate fails on it) and the formula's source drawn in red (what the page would show).
export const statementRehypePlugins: PluggableList = [rehypeKatex];

export interface StatementProblem {
  /** 1-based line in statement.md, when known. */
  line?: number;
  message: string;
}

export interface RenderedStatement {
  html: string;
  problems: StatementProblem[];
}

const FIX_DISPLAY = "put display math on its own lines, with a blank line before the opening $$ and after the closing $$";

// A GFM delimiter row (`| --- | :-: |`): seen in output text only when a table failed to parse.
const TABLE_DELIMITER = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;
const isTableDelimiterRow = (line: string) => line.includes("|") && TABLE_DELIMITER.test(line);

/** Render a statement to HTML and list everything that would show up broken on the page. */
export function renderStatement(source: string): RenderedStatement {
  const problems: StatementProblem[] = [];
  const processor = unified()
    .use(remarkParse)
    .use(statementRemarkPlugins)
    .use(() => (tree: TreeNode) => findInlineDisplayMath(tree, source, problems))
    .use(remarkRehype)
    .use(statementRehypePlugins)
    .use(() => (tree: TreeNode) => findLeftoverText(tree, problems))
    .use(rehypeStringify);
  const file = processor.processSync(source);
  for (const m of file.messages) {
    if (m.source !== "rehype-katex") continue;
    const cause = m.cause instanceof Error ? m.cause.message : m.reason;
    const line = m.line ?? m.ancestors?.findLast((a) => a.position)?.position?.start.line;
    problems.push({ line, message: `KaTeX could not render this formula: ${cause}` });
  }
  const html = String(file);
  if (problems.length === 0 && html.includes('class="katex-error"')) problems.push({ message: "KaTeX drew a formula as an error" });
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { html, problems };
}

/**
 * remark-math reads `$$…$$` on one line as inline math, drawn small in text style. A paragraph
 * that is nothing but one such formula is meant as display math: make it a display block.
 */
function remarkDisplayMathParagraphs() {
  return (tree: TreeNode, file: { value: unknown }) => {
    const source = String(file.value);
    for (const [node] of nodes(tree)) {
      if (!node.children) continue;
      node.children = node.children.map((child) => {
        if (child.type !== "paragraph") return child;
        const content = (child.children ?? []).filter((c) => !(c.type === "text" && c.value?.trim() === ""));
        const only = content[0];
        if (content.length !== 1 || !isDoubleDollarMath(only, source)) return child;
        return displayMath(only.value ?? "", child.position);
      });
    }
  };
}

/** A display-math node as remark-math builds one from a `$$` block, hast conversion included. */
function displayMath(value: string, position: TreeNode["position"]) {
  const code = { type: "element", tagName: "code", properties: { className: ["language-math", "math-display"] }, children: [{ type: "text", value }] };
  return { type: "math", meta: null, value, position, data: { hName: "pre", hChildren: [code] } };
}

function isDoubleDollarMath(node: TreeNode | undefined, source: string): node is TreeNode {
  const start = node?.position?.start.offset;
  return node?.type === "inlineMath" && start !== undefined && source.startsWith("$$", start);
}

/** `$$…$$` inside a paragraph parses as inline math: small text-style, and a stray `$$` swallows the rest. */
function findInlineDisplayMath(tree: TreeNode, source: string, problems: StatementProblem[]) {
  for (const [node, line] of nodes(tree)) {
    if (isDoubleDollarMath(node, source)) problems.push({ line, message: `$$…$$ inside a sentence renders as small inline math: ${FIX_DISPLAY}` });
  }
}

/** Text the learner would see raw: a literal `$$`, or a table's `| --- |` row. Code is exempt. */
function findLeftoverText(tree: TreeNode, problems: StatementProblem[]) {
  for (const [node, line] of nodes(tree, isCodeOrTexSource)) {
    if (node.type !== "text" || node.value === undefined) continue;
    if (node.value.includes("$$")) problems.push({ line, message: `a literal $$ shows as text (an unclosed or misplaced formula): ${FIX_DISPLAY}` });
    if (node.value.split("\n").some(isTableDelimiterRow)) {
      problems.push({ line, message: "a table shows as raw text: put a blank line before it, and give the header, the | --- | row and every row the same number of cells" });
    }
  }
}

// KaTeX keeps the TeX source in <annotation>; code may show `$$` or `| --- |` on purpose; a
// formula KaTeX drew as an error is reported once, as the KaTeX error.
function isCodeOrTexSource(node: TreeNode): boolean {
  if (node.type !== "element") return false;
  const classes = node.properties?.className;
  return node.tagName === "code" || node.tagName === "pre" || node.tagName === "annotation" || (Array.isArray(classes) && classes.includes("katex-error"));
}
