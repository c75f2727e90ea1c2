"use client";
/** What every course form shares: a submit that calls the course API and refreshes the page, and its status line. */
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTranslations } from "next-intl";
import { sendJson } from "./api.ts";

export function useSubmit() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const t = useTranslations("courseForms");
  async function run(url: string, method: string, body: unknown, ok: (data: Record<string, unknown>) => string | void, onError?: (data: Record<string, unknown>) => void) {
    setBusy(true);
    setError(null);
    setDone(null);
    const r = await sendJson<Record<string, unknown>>(url, method, body);
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      onError?.(r.data);
      return;
    }
    setDone(ok(r.data) ?? t("saved"));
    router.refresh();
  }
  /** Show a problem found before sending (e.g. nothing chosen). */
  const fail = (message: string) => {
    setDone(null);
    setError(message);
  };
  return { busy, error, done, run, fail };
}

export function Status({ error, done, testid }: { error: string | null; done: string | null; testid: string }) {
  return (
    <>
      {error && <p className="error" role="alert" data-testid={`${testid}-error`}>{error}</p>}
      {done && <p className="ok-msg" data-testid={`${testid}-done`}>{done}</p>}
    </>
  );
}

export const fd = (e: FormEvent<HTMLFormElement>) => {
  e.preventDefault();
  return new FormData(e.currentTarget);
};
