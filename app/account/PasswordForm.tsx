"use client";
/**
 * A new password: "change" (signed in: the current one required, other sessions ended) or
 * "reset" (a one-time link from an admin). Both are better-auth's own endpoints.
 */
import { useState } from "react";
import { useTranslations } from "next-intl";

export function PasswordForm({ mode, token }: { mode: "change" | "reset"; token?: string }) {
  const t = useTranslations("account");
  const [state, setState] = useState<{ kind: "idle" | "busy" | "done" } | { kind: "error"; message: string }>({ kind: "idle" });
  return (
    <form className="form" style={{ maxWidth: 420 }} data-testid={`${mode}-password-form`} onSubmit={async (e) => {
      e.preventDefault();
      const f = new FormData(e.currentTarget);
      const next = String(f.get("new") ?? "");
      if (next !== String(f.get("again") ?? "")) return setState({ kind: "error", message: t("mismatch") });
      if (next.length < 8) return setState({ kind: "error", message: t("tooShort") });
      setState({ kind: "busy" });
      const body = mode === "change" ? { currentPassword: String(f.get("current") ?? ""), newPassword: next, revokeOtherSessions: true } : { token, newPassword: next };
      const res = await fetch(`/api/auth/${mode === "change" ? "change-password" : "reset-password"}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      if (res.ok) return setState({ kind: "done" });
      const data = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
      // better-auth's codes in the page's language; its English message never reaches the page.
      const known: Record<string, string> = { INVALID_PASSWORD: t("wrongCurrent"), INVALID_TOKEN: t("badLink"), PASSWORD_TOO_SHORT: t("tooShort"), PASSWORD_TOO_LONG: t("tooLong") };
      const wait = Number(res.headers.get("retry-after"));
      const message = (data.code && known[data.code]) || (res.status === 429 ? t("tooManyTries", { seconds: Number.isFinite(wait) && wait > 0 ? wait : 60 }) : res.status === 401 ? t("sessionEnded") : t("failed", { status: res.status }));
      setState({ kind: "error", message });
    }}>
      {mode === "change" && <label>{t("current")}<input type="password" name="current" autoComplete="current-password" required /></label>}
      <label>{t("new")}<input type="password" name="new" autoComplete="new-password" required minLength={8} /></label>
      <label>{t("again")}<input type="password" name="again" autoComplete="new-password" required minLength={8} /></label>
      <button className="primary" type="submit" disabled={state.kind === "busy"}>{state.kind === "busy" ? t("saving") : t("save")}</button>
      {state.kind === "done" && <p className="notice" data-testid="password-saved">{mode === "change" ? t("changed") : <>{t("resetDone")} <a href="/sign-in">{t("signIn")}</a></>}</p>}
      {state.kind === "error" && <p className="error" role="alert">{state.message}</p>}
    </form>
  );
}
