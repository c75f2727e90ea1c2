"use client";
import { useState } from "react";
import { useTranslations } from "next-intl";

export function SignInForm({ next }: { next: string }) {
  const t = useTranslations("signIn");
  const tAccount = useTranslations("account");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="card form"
      onSubmit={async (e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        setBusy(true);
        setError(null);
        const res = await fetch("/api/auth/sign-in/email", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: String(f.get("email")).trim(), password: String(f.get("password")) }),
        });
        setBusy(false);
        if (res.ok) window.location.href = next;
        else {
          const reply = (await res.json().catch(() => ({}))) as { message?: string; code?: string };
          const message = reply.message ?? "";
          const retryAfter = Number(res.headers.get("retry-after"));
          setError(
            res.status === 401
              ? t("wrongPassword")
              : reply.code === "BANNED_USER"
                ? tAccount("disabledAccount")
              : res.status === 429
                ? Number.isFinite(retryAfter) && retryAfter > 0
                  ? t("tooManyTries", retryAfter < 90 ? { unit: "seconds", n: retryAfter } : { unit: "minutes", n: Math.ceil(retryAfter / 60) })
                  : t("tooManyTriesLater")
                : t("failed", { status: res.status, message }),
          );
        }
      }}
    >
      <label>
        {t("email")}
        <input name="email" type="email" autoComplete="username" required autoFocus />
      </label>
      <label>
        {t("password")}
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" className="primary" disabled={busy}>{busy ? t("signingIn") : t("signIn")}</button>
    </form>
  );
}
