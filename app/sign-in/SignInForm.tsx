"use client";
import { useState } from "react";

export function SignInForm({ next }: { next: string }) {
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
          const message = ((await res.json().catch(() => ({}))) as { message?: string }).message ?? "";
          setError(res.status === 401 ? "Wrong email or password." : res.status === 429 ? message : `Could not sign in (${res.status}): ${message}`);
        }
      }}
    >
      <label>
        Email
        <input name="email" type="email" autoComplete="username" required autoFocus />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" className="primary" disabled={busy}>{busy ? "Signing in…" : "Sign in"}</button>
    </form>
  );
}
