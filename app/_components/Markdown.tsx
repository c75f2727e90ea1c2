import ReactMarkdown from "react-markdown";
import { statementRehypePlugins, statementRemarkPlugins } from "../../lib/statement/render.ts";
import "./markdown.css";

/**
 * An exercise statement: GFM Markdown with $…$ / $$…$$ math rendered by KaTeX (on the server).
 * The plugins are the ones `gradlab validate` renders every statement with.
 */
export function Markdown({ source }: { source: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={statementRemarkPlugins} rehypePlugins={statementRehypePlugins}>
        {source}
      </ReactMarkdown>
    </div>
  );
}
