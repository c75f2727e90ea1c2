import { getTranslations } from "next-intl/server";
import type { TranslationState } from "../../server/localized-exercise.ts";

/** Above a statement in another language than the page's: the translation is missing (English shown) or older than the English. */
export async function TranslationNote({ state, locale }: { state: TranslationState; locale: string }) {
  if (state === "none" || state === "current") return null;
  const t = await getTranslations("exercise");
  return (
    <p className="notice" data-testid="translation-note" data-state={state} lang={locale}>
      {state === "missing" ? t("translationMissing") : t("translationStale")}
    </p>
  );
}
