import { availableLocales, loadMessages } from "../../lib/i18n/locales.ts";

/** The languages to offer, each named in itself (its messages' common.languageName). */
export function localeChoices(): { locale: string; name: string }[] {
  return availableLocales().map((locale) => {
    const name = (loadMessages(locale).common as Record<string, unknown> | undefined)?.languageName;
    return { locale, name: typeof name === "string" ? name : locale };
  });
}
