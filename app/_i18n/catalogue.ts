/**
 * The catalogue's own words (set titles, exercise summaries) in the reader's language. English
 * is set.json and exercise.json; a translation is messages/<locale>/catalogue.json
 * ({"sets": {"<set id>": title}, "summaries": {"<exercise id>": summary}, "topics": {"<topic>": name}}). Whatever it lacks shows
 * in English. (Exercise titles come from the translated statement's heading: server/localized-exercise.ts.)
 */
import { readMessages, type Messages } from "../../lib/i18n/locales.ts";
import { PSEUDO_LOCALE, pseudoTemplate } from "../../lib/i18n/pseudo.ts";

export function catalogueText(locale: string) {
  // Only the translation's own file: English lives in the catalogue, not in messages/en.
  const own = (readCachedCatalogue(locale) ?? {}) as { sets?: Messages; summaries?: Messages; topics?: Messages };
  const pick = (table: Messages | undefined, id: string, english: string) => {
    if (locale === PSEUDO_LOCALE) return pseudoTemplate(english);
    const v = table?.[id];
    return typeof v === "string" && v ? v : english;
  };
  return {
    setTitle: (setId: string, english: string) => pick(own.sets, setId, english),
    summary: (exerciseId: string, english: string) => pick(own.summaries, exerciseId, english),
    topic: (topic: string) => pick(own.topics, topic, topic),
  };
}

const cache = new Map<string, Messages | null>();
function readCachedCatalogue(locale: string): Messages | null {
  if (!cache.has(locale)) {
    const c = readMessages(locale).catalogue;
    cache.set(locale, typeof c === "object" ? c : null);
  }
  return cache.get(locale) ?? null;
}
