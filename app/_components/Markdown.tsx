import ReactMarkdown from "react-markdown";
import { statementRehypePlugins, statementRemarkPlugins } from "../../lib/statement/render.ts";
import "./markdown.css";

/**
 * An exercise statement: GFM Markdown with $…$ / $$…$$ math rendered by KaTeX (on the server).
 * The plugins are the ones `gradlab validate` renders every statement with. Raw HTML is dropped, as
 * validate's pipeline drops it (react-markdown would show it escaped): a translation's first-line
 * `<!-- translation-of: … -->` marker must not appear on the page.
 */
export function Markdown({ source }: { source: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown skipHtml remarkPlugins={statementRemarkPlugins} rehypePlugins={statementRehypePlugins}>
        {source}
      </ReactMarkdown>
    </div>
  );
}
