/**
 * The statement as one HTML string, rendered once per text (server side). The page used to render
 * it with react-markdown on every request: remark + KaTeX cost ~40 ms of the server's CPU per
 * page view (dense, warm; 200-450 ms of wall time on the shared machine), before the first byte;
 * and each of its ~450 elements travelled in the page's React payload for the browser to rebuild
 * while hydrating.
 * As one string it is static HTML the page does not hydrate. Same pipeline as before (the plugins
 * `gradlab validate` renders with, raw HTML dropped), and URLs made safe as react-markdown made them.
 */
import type { Root } from "hast";
import { defaultUrlTransform } from "react-markdown";
import rehypeStringify from "rehype-stringify";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import { unified } from "unified";
import { statementRehypePlugins, statementRemarkPlugins } from "../../../lib/statement/render.ts";

/** react-markdown's URL rule on the attributes Markdown produces: a link's href, an image's src (`javascript:` and the like become ""). */
function safeUrls() {
  return (tree: Root) => {
    const walk = (node: Root | Root["children"][number]) => {
      if (node.type === "element") {
        for (const key of ["href", "src"] as const) {
          const v = node.properties[key];
          if (typeof v !== "string") continue;
          const safe = defaultUrlTransform(v);
          // As React renders it: an empty src is left out (the browser would fetch the page itself).
          if (key === "src" && !safe) delete node.properties[key];
          else node.properties[key] = safe;
        }
      }
      if ("children" in node) for (const c of node.children) walk(c);
    };
    walk(tree);
  };
}

const processor = unified().use(remarkParse).use(statementRemarkPlugins).use(remarkRehype).use(statementRehypePlugins).use(safeUrls).use(rehypeStringify);

/** Rendered statements by their text (a catalogue's statements in a few languages: small; bounded anyway). */
const rendered = new Map<string, string>();
const MAX_KEPT = 500;

export function statementHtml(source: string): string {
  let html = rendered.get(source);
  if (html === undefined) {
    html = String(processor.processSync(source));
    if (rendered.size >= MAX_KEPT) rendered.delete(rendered.keys().next().value!);
    rendered.set(source, html);
  }
  return html;
}
