import { availableLocales, loadMessages } from "../../lib/i18n/locales.ts";
import { PSEUDO_LOCALE } from "../../lib/i18n/pseudo.ts";

/** The languages to offer, each named in itself (its messages' common.languageName); never the test-only pseudo-language. */
export function localeChoices(): { locale: string; name: string }[] {
  return availableLocales().filter((l) => l !== PSEUDO_LOCALE).map((locale) => {
    const name = (loadMessages(locale).common as Record<string, unknown> | undefined)?.languageName;
    return { locale, name: typeof name === "string" ? name : locale };
  });
}
