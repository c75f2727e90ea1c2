"use client";
/**
 * The language menu in the top bar (and on the sign-in page): saves the choice (on the account
 * when signed in, in a cookie always) and re-renders the page in it.
 */
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import "./locale-switch.css";

export function LocaleSwitch({ current, choices }: { current: string; choices: { locale: string; name: string }[] }) {
  const t = useTranslations("common");
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <label className="locale-switch">
      <span className="sr-only">{t("language")}</span>
      <select
        data-testid="locale-switch"
        aria-label={t("language")}
        value={current}
        onChange={async (e) => {
          setError(null);
          const res = await fetch("/api/locale", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ locale: e.target.value }) });
          if (res.ok) router.refresh();
          else setError(t("languageNotSaved", { status: res.status }));
        }}
      >
        {choices.map((c) => <option key={c.locale} value={c.locale} lang={c.locale}>{c.name}</option>)}
      </select>
      {error && <span className="error small" role="alert">{error}</span>}
    </label>
  );
}
