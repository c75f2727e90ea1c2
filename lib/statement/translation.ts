/**
 * Translated statements (`statement.<locale>.md` beside `statement.md`) record on their first line
 * which English text they translate, as a short content hash:
 *
 *   <!-- translation-of: sha256:0123456789abcdef -->
 *
 * When the English changes, its hash no longer matches and the translation is known to be stale.
 * The hash is over the English file's exact bytes (UTF-8), so any edit — even whitespace — counts.
 */
import { createHash } from "node:crypto";

/** Hex characters of SHA-256 kept: enough to tell versions apart, short enough to read in a diff. */
const HASH_LENGTH = 16;

// The marker may be preceded by a BOM or blank lines; the rest of the file is the translation.
const MARKER = /^\uFEFF?\s*<!--\s*translation-of:\s*sha256:([0-9a-f]+)\s*-->/;

/** The hash a translation of `englishMarkdown` records: first 16 hex chars of SHA-256 of its bytes. */
export function translationSourceHash(englishMarkdown: string): string {
  return createHash("sha256").update(englishMarkdown, "utf8").digest("hex").slice(0, HASH_LENGTH);
}

/** The English hash a translation says it translates, or null when its first line has no marker. */
export function readTranslationSource(zhMarkdown: string): string | null {
  return MARKER.exec(zhMarkdown)?.[1] ?? null;
}

/** The marker line for a translation of `englishMarkdown`. */
export function translationMarker(englishMarkdown: string): string {
  return `<!-- translation-of: sha256:${translationSourceHash(englishMarkdown)} -->`;
}
