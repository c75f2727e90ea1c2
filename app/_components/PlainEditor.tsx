"use client";
/**
 * The learner's code at first paint: a plain <textarea> in the page's HTML, styled like Monaco
 * (same font, size, line height, tab size), readable and editable before React hydrates and
 * before Monaco's 4.6 MB bundle has loaded. The workbench feeds its edits into the draft's
 * journal and autosave, and Monaco takes its text, caret and scroll when it is ready
 * (carryIntoMonaco). If Monaco fails to load, this editor stays.
 *
 * The textarea is static HTML that React never manages (dangerouslySetInnerHTML, written once):
 * react-dom resets a hydrated <textarea> to its server value (initTextarea), which would drop
 * what the learner typed before hydration. The workbench reads and listens to it through the DOM.
 */
import { useState, type Ref } from "react";
import type { editor as MonacoEditorNs } from "monaco-editor";
import "./plain-editor.css";

/** Monaco's font options: the plain editor's CSS (plain-editor.css) uses the same, so the text does not move at the swap. */
export const EDITOR_FONT = { fontFamily: "'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', 'Courier New', monospace", fontSize: 14, lineHeight: 20 } as const;

/** The textarea's HTML. The parser drops one newline right after <textarea>, so one is always written first. */
export function plainEditorHtml(text: string, label: string): string {
  const attr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  const body = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<textarea class="plain-editor-text" data-testid="plain-editor" aria-label="${attr(label)}" spellcheck="false" autocomplete="off" autocapitalize="off" autocorrect="off" wrap="off">\n${body}</textarea>`;
}

/** The plain editor's textarea under `root` (null once Monaco has replaced it). */
export const plainTextarea = (root: HTMLElement | null): HTMLTextAreaElement | null => root?.querySelector("textarea.plain-editor-text") ?? null;

export function PlainEditor({ ref, text, label, note, failed }: { ref: Ref<HTMLDivElement>; text: string; label: string; note: string; failed: boolean }) {
  // Written once: later props (a router.refresh with the server's newer draft) must not replace the learner's text.
  const [html] = useState(() => plainEditorHtml(text, label));
  return (
    <div className={`plain-editor${failed ? " plain-editor-failed" : ""}`}>
      <div className="plain-editor-area" ref={ref} dangerouslySetInnerHTML={{ __html: html }} />
      <p className={failed ? "plain-editor-note error" : "plain-editor-note muted small"} role={failed ? "alert" : "status"} data-testid="plain-editor-note">
        {note}
      </p>
    </div>
  );
}

/** Tab inserts two spaces, as in Monaco (through the browser's editing, so undo and the input event work). */
export function indentOnTab(e: KeyboardEvent): void {
  if (e.key !== "Tab" || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey) return;
  e.preventDefault();
  document.execCommand("insertText", false, "  ");
}

/** Monaco takes the plain editor's caret or selection, scroll position and focus. */
export function carryIntoMonaco(area: HTMLTextAreaElement, ed: MonacoEditorNs.IStandaloneCodeEditor): void {
  const model = ed.getModel();
  if (model) {
    const a = model.getPositionAt(area.selectionStart);
    const b = model.getPositionAt(area.selectionEnd);
    const [from, to] = area.selectionDirection === "backward" ? [b, a] : [a, b];
    ed.setSelection({ selectionStartLineNumber: from.lineNumber, selectionStartColumn: from.column, positionLineNumber: to.lineNumber, positionColumn: to.column });
  }
  ed.setScrollTop(area.scrollTop);
  ed.setScrollLeft(area.scrollLeft);
  if (document.activeElement === area) ed.focus();
}
