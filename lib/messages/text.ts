/**
 * Translatable grader texts. Every message and hint the check library and the exercises write is an
 * English template tagged with `en`:
 *
 *   throw new CheckFailure(en`${label} has shape [${got}], expected [${want}].`, { hint: en`Reshape it.` });
 *
 * `en` returns the plain English string (so `output`, hints and every existing type stay strings)
 * and remembers how it was made: the template's key and the interpolated values. Where results are
 * built (lib/checks/run.ts) `textOf(string)` gives that back as `{ key, params }` for the result
 * JSON; a page or the CLI renders it in the reader's language (`renderText`), falling back to the
 * English string when a translation is missing.
 *
 * The key is a hash of the English template with its values as {0}, {1}…: translations are files
 * that map that template to the translated one (lib/messages/catalog.ts). Changing the English
 * changes the key, so a translation of the old wording is no longer used (and the translations test
 * names it). Isomorphic: runs in the grader, the browser's Run worker and the page.
 */

/** A value put into a template: a string or number as written, or another translatable text. */
export type TextParam = string | number | NestedText;
/** A translatable text inside another (a hint's phrase, a label): its English kept for the fallback. */
export interface NestedText {
  key: string;
  params?: TextParam[];
  en: string;
}
/** A text as the result JSON carries it: the template's key and the values, in order ({0}, {1}…). */
export interface LocalText {
  key: string;
  params?: TextParam[];
}

/** cyrb53: a fast 53-bit string hash (no crypto: this runs in the browser too). */
function hash53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The key of an English template ("{0} is wrong: expected {1}, got {2}."): "g" and 11 base-36 digits. */
export function templateKey(template: string): string {
  return `g${hash53(template).toString(36).padStart(11, "0")}`;
}

/** The template of a tagged literal: its literal parts joined by {0}, {1}… */
export function templateOf(parts: readonly string[]): string {
  return parts.reduce((acc, part, i) => (i === 0 ? part : `${acc}{${i - 1}}${part}`), "");
}

// The strings `en` made, by their text: one table per JavaScript realm (Symbol.for), so that a bundle
// that carries its own copy of this module (the browser's Run) still shares it. Fixed sentences (no
// values) are as many as the templates in the code: kept for good. Texts with values (the learner's
// numbers) are many: that table is bounded, since it only has to remember a text from the check that
// wrote it to the result built right after. So a module constant takes no values (make it a function).
const WITH_VALUES_LIMIT = 20_000;
const REGISTRY = Symbol.for("gradlab.texts");
interface Registry {
  fixed: Map<string, LocalText>;
  withValues: Map<string, LocalText>;
}
function registry(): Registry {
  const g = globalThis as { [REGISTRY]?: Registry };
  return (g[REGISTRY] ??= { fixed: new Map(), withValues: new Map() });
}
const lookup = (reg: Registry, s: string) => reg.fixed.get(s) ?? reg.withValues.get(s);

const keys = new WeakMap<TemplateStringsArray, string>();

/** Tag an English template as translatable; returns the English text. */
export function en(parts: TemplateStringsArray, ...values: unknown[]): string {
  let key = keys.get(parts);
  if (!key) {
    key = templateKey(templateOf(parts));
    keys.set(parts, key);
  }
  const reg = registry();
  let out = parts[0];
  const params: TextParam[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const s = String(v);
    const inner = typeof v === "string" ? lookup(reg, v) : undefined;
    // Numbers stay numbers (JSON has no NaN or Infinity: those as text).
    params.push(inner ? { ...inner, en: v as string } : typeof v === "number" && Number.isFinite(v) ? v : s);
    out += s + parts[i + 1];
  }
  if (!params.length) reg.fixed.set(out, { key });
  else {
    if (reg.withValues.size >= WITH_VALUES_LIMIT) reg.withValues.delete(reg.withValues.keys().next().value!);
    reg.withValues.set(out, { key, params });
  }
  return out;
}

/** How `text` was made by `en`, or undefined (text built another way: shown as it is). */
export function textOf(text: string | undefined): LocalText | undefined {
  if (!text) return undefined;
  return lookup(registry(), text);
}

/** Translations of one language: template key → translated template. */
export type TextCatalog = Record<string, string>;

/**
 * `text` in the catalogue's language, or undefined when its template (or a nested one) has no
 * translation there and no English to fall back on; nested texts without a translation read in English.
 */
export function renderText(text: LocalText, catalog: TextCatalog): string | undefined {
  const template = catalog[text.key];
  if (template === undefined) return undefined;
  const params = text.params ?? [];
  return template.replace(/\{(\d+)\}/g, (whole, n: string) => {
    const p = params[Number(n)];
    if (p === undefined) return whole;
    if (typeof p === "object") return renderText(p, catalog) ?? p.en;
    return String(p);
  });
}

/** Every key a text uses (its own and its nested texts'). */
export function keysOf(text: LocalText): string[] {
  return [text.key, ...(text.params ?? []).flatMap((p) => (typeof p === "object" ? keysOf(p) : []))];
}

/**
 * The key a check's name is translated under. Names stay English in the result JSON (`name`, the
 * Gradescope contract); a page or report looks the translation up by this key, which the exercise's
 * translation file gives under "checkNames" (lib/messages/translations.ts). Its own prefix ("n"), so
 * a name can never take the translation of a message template written the same way.
 */
export function checkNameKey(name: string): string {
  return `n${hash53(name).toString(36).padStart(11, "0")}`;
}

/** A check's name in the catalogue's language, else its English name. */
export function renderCheckName(name: string, catalog: TextCatalog): string {
  return catalog[checkNameKey(name)] ?? name;
}

/** Makes an English text with `en` from its values (a function of strings, each a `${}` of its template). */
export type TextMaker = (...values: string[]) => string;

const SENTINEL = /\u0000(\d+)\u0000/;
/** A maker's English as its literal pieces, and which value sits between each two. */
interface Pattern {
  pieces: string[];
  order: number[];
  arity: number;
}
const patterns = new WeakMap<TextMaker, Pattern>();

function patternOf(make: TextMaker): Pattern {
  let p = patterns.get(make);
  if (p) return p;
  const arity = make.length;
  const split = make(...Array.from({ length: arity }, (_, i) => `\u0000${i}\u0000`)).split(SENTINEL);
  p = { pieces: split.filter((_, i) => i % 2 === 0), order: split.filter((_, i) => i % 2 === 1).map(Number), arity };
  patterns.set(make, p);
  return p;
}

/**
 * The values that put into `p` give `text`, or undefined. Each literal piece is found by indexOf,
 * left to right (no regular expression: the text may be the learner's, and must cost linear time).
 */
function valuesIn(text: string, p: Pattern): string[] | undefined {
  const { pieces, order } = p;
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  if (pieces.length === 1) return text === first ? [] : undefined;
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return undefined;
  const end = text.length - last.length;
  const values: string[] = new Array(p.arity).fill("");
  let pos = first.length;
  for (let i = 1; i < pieces.length; i++) {
    const lastPiece = i === pieces.length - 1;
    const at = lastPiece ? end : text.indexOf(pieces[i], pos);
    if (at < pos || (!lastPiece && at + pieces[i].length > end)) return undefined;
    values[order[i - 1]] = text.slice(pos, at);
    pos = at + pieces[i].length;
  }
  return values;
}

/**
 * `text` made again with `en` when one of `makers` wrote it, so that it carries its key; else `text`
 * unchanged. For English made where `en`'s memory does not reach: a sandbox child process, the
 * isolate (whose hostile globals must not run our code), a value description sent over the wire.
 * Each value is recognised too (a fragment inside a message); anything no maker wrote (the
 * learner's own words, a compiler's message) stays as it is.
 */
export function retag(text: string, makers: readonly TextMaker[], depth = 0): string {
  if (textOf(text) || depth > 3 || text.length > 10_000) return text;
  for (const make of makers) {
    const found = valuesIn(text, patternOf(make));
    if (!found) continue;
    const again = make(...found.map((v) => retag(v, makers, depth + 1)));
    // A maker whose English depends on more than its values would make other words: keep the original.
    return again === text ? again : text;
  }
  return text;
}
