/**
 * The grader's translations the exercise page hands the results panel (app/_components/GraderTexts.tsx):
 * the check library's and the exercise's texts and check names (lib/messages/translations.ts), and
 * Run's own (app/_run/run-texts.ts, messages/<locale>/run.json). In the test-only pseudo-language
 * (lib/i18n/pseudo.ts) every text that some translation covers is marked, so a text shown
 * unmarked is one no translation file has.
 */
import { DEFAULT_LOCALE, availableLocales, loadMessages } from "../../lib/i18n/locales.ts";
import { PSEUDO_LOCALE, pseudoTemplate } from "../../lib/i18n/pseudo.ts";
import { checkNameKey, templateKey, type TextCatalog } from "../../lib/messages/text.ts";
import { exerciseTextsFile, graderCatalog, libraryTextsFile, readCheckNames, readTemplates } from "../../lib/messages/translations.ts";
import { runCatalog } from "../_run/run-texts.ts";

export function exerciseTextCatalog(locale: string, exerciseDir: string): TextCatalog {
  if (locale === DEFAULT_LOCALE) return {};
  if (locale === PSEUDO_LOCALE) return pseudoCatalog(exerciseDir);
  return { ...graderCatalog(locale, exerciseDir), ...runCatalog(loadMessages(locale).run) };
}

function pseudoCatalog(exerciseDir: string): TextCatalog {
  const out: TextCatalog = runCatalog(loadMessages(PSEUDO_LOCALE).run);
  for (const locale of availableLocales().filter((l) => l !== DEFAULT_LOCALE && l !== PSEUDO_LOCALE)) {
    const own = exerciseTextsFile(exerciseDir, locale);
    for (const en of [...Object.keys(readTemplates(libraryTextsFile(locale))), ...Object.keys(readTemplates(own))]) out[templateKey(en)] = pseudoTemplate(en);
    for (const name of Object.keys(readCheckNames(own))) out[checkNameKey(name)] = pseudoTemplate(name);
  }
  return out;
}
