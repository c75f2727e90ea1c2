/**
 * The page a refused launch or login shows in the browser (often inside the LMS): a translated
 * explanation chosen by the error's code (messages/<locale>/lti.json), and the English details
 * for whoever administers the LMS or GradLab.
 */
import { availableLocales, loadMessages, negotiateLocale, DEFAULT_LOCALE, type Messages } from "../../lib/i18n/locales.ts";
import type { LtiError } from "./errors.ts";

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function fill(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? `{${k}}`);
}

export function errorPage(e: LtiError, acceptLanguage: string | null): { html: string; locale: string } {
  const locale = negotiateLocale(acceptLanguage, availableLocales()) ?? DEFAULT_LOCALE;
  const t = (loadMessages(locale).lti ?? {}) as Messages;
  const errors = (t.errors ?? {}) as Messages;
  const text = (k: string, fallback: string) => (typeof t[k] === "string" ? (t[k] as string) : fallback);
  const explanation = typeof errors[e.code] === "string" ? fill(errors[e.code] as string, e.params) : text("genericError", "GradLab could not open this activity from your course.");
  const html = `<!doctype html><html lang="${escape(locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(text("title", "Launch from your course failed"))} · GradLab</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5">
<h1>${escape(text("title", "Launch from your course failed"))}</h1>
<p data-lti-error="${escape(e.code)}">${escape(explanation)}</p>
<p>${escape(text("retry", "Go back to your course and open the activity again. If it keeps failing, show this page to your instructor."))}</p>
<details><summary>${escape(text("details", "Details for administrators"))}</summary><p><code>${escape(e.code)}</code>: ${escape(e.message)}</p></details>
</body></html>`;
  return { html, locale };
}
