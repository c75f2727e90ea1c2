/**
 * Sign-in throttling per account (better-auth throttles per client address: see auth.ts). Each
 * attempt at an account counts before the password is checked, in one SQLite transaction (so
 * concurrent guesses from several web processes cannot slip past), and a successful sign-in
 * clears the count. Stored in the database: a restart forgets nothing.
 */
import type { Db } from "../db/client.ts";
import { renderText, text, type ServerText } from "../lib/i18n/server-text.ts";

const env = (name: string, fallback: number) => {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};

export const SIGN_IN_LIMITS = {
  /** Attempts at one account without a success, per window (seconds) from the first. */
  perAccount: { max: env("GRADLAB_SIGNIN_PER_ACCOUNT", 10), window: 15 * 60 },
  /** Sign-in requests from one client address per window (seconds); a class behind one NAT shares it. */
  perAddress: { max: env("GRADLAB_SIGNIN_PER_ADDRESS", 30), window: 60 },
};

/** Counts an attempt at `email`; null when it may go ahead, else the seconds until it may. */
export function takeSignInAttempt(db: Db, email: string, now = Date.now()): number | null {
  const key = email.trim().toLowerCase();
  const { max, window } = SIGN_IN_LIMITS.perAccount;
  const sqlite = db.$client;
  return sqlite
    .transaction(() => {
      // Windows that ended say nothing any more (and guesses at made-up emails must not pile up).
      sqlite.prepare("DELETE FROM sign_in_failures WHERE window_start <= ?").run(now - window * 1000);
      const row = sqlite.prepare("SELECT count, window_start AS start FROM sign_in_failures WHERE email = ?").get(key) as { count: number; start: number } | undefined;
      if (!row || now - row.start >= window * 1000) {
        sqlite.prepare("INSERT INTO sign_in_failures (email, count, window_start) VALUES (?, 1, ?) ON CONFLICT(email) DO UPDATE SET count = 1, window_start = excluded.window_start").run(key, now);
        return null;
      }
      if (row.count >= max) return Math.max(1, Math.ceil((row.start + window * 1000 - now) / 1000));
      sqlite.prepare("UPDATE sign_in_failures SET count = count + 1 WHERE email = ?").run(key);
      return null;
    })
    .immediate();
}

export function clearSignInFailures(db: Db, email: string): void {
  db.$client.prepare("DELETE FROM sign_in_failures WHERE email = ?").run(email.trim().toLowerCase());
}

/** What the sign-in form shows with a 429. */
export function tooManySignIns(seconds: number): string {
  return renderText(tooManySignInsText(seconds));
}

/** The per-account refusal as a message key (the auth route answers it in the reader's language). */
export function tooManySignInsText(seconds: number): ServerText {
  return text("errors.api.tooManySignIns", retryIn(seconds));
}

/** "in n seconds" under 90 s, else whole minutes (rounded up). */
export function retryIn(seconds: number): { unit: "seconds" | "minutes"; n: number } {
  return seconds < 90 ? { unit: "seconds", n: seconds } : { unit: "minutes", n: Math.ceil(seconds / 60) };
}
