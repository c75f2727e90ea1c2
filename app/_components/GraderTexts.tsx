"use client";
/**
 * The grader's translations for the results panel: the page (a server component) reads the ones an
 * exercise needs in the reader's language (lib/messages/translations.ts) and puts them here; the
 * panel renders each result's texts with them, and shows the grader's English where one is missing.
 */
import { createContext, useContext, type ReactNode } from "react";
import { renderCheckName, renderText, type LocalText, type TextCatalog } from "../../lib/messages/text.ts";

const Catalog = createContext<TextCatalog>({});

export function GraderTexts({ catalog, children }: { catalog: TextCatalog; children: ReactNode }) {
  return <Catalog.Provider value={catalog}>{children}</Catalog.Provider>;
}

/** `text` in the reader's language, else `english` (the grader's own words: never a key). */
export function useGraderText(): (text: LocalText | undefined, english: string) => string {
  const catalog = useContext(Catalog);
  return (text, english) => (text ? (renderText(text, catalog) ?? english) : english);
}

/** A check's name in the reader's language (the exercise's translation file), else its English name. */
export function useCheckName(): (name: string) => string {
  const catalog = useContext(Catalog);
  return (name) => renderCheckName(name, catalog);
}
