/**
 * Which next-intl messages reach the browser. Server components read every message (app/_i18n/request.ts);
 * client components only get what a NextIntlClientProvider serializes into the page, and sending all of
 * them (~150 KB of JSON, more in zh-CN) made every page's HTML that much longer to load and parse.
 * So the root layout sends LAYOUT_NAMESPACES (the top bar's client parts), and a route whose client
 * components need more wraps them in <ClientMessages namespaces={[...]}> (in its page or its segment's
 * layout). A nested provider replaces the outer one's messages, so ClientMessages always adds the
 * layout's own, and one route has at most one. tests/app/client-messages.test.ts checks, per page, that
 * every namespace its client components use (useTranslations("ns…")) is sent.
 */
import type { ReactNode } from "react";
import { NextIntlClientProvider } from "next-intl";
import { getMessages } from "next-intl/server";

type Messages = Awaited<ReturnType<typeof getMessages>>;

/** What every page's client components use: the top bar's sign-out button and language menu. */
export const LAYOUT_NAMESPACES = ["common"] as const;

/** Only `namespaces` (top-level keys) of `messages`. */
export function pickMessages(messages: Messages, namespaces: readonly string[]): Messages {
  const out: Record<string, unknown> = {};
  for (const ns of namespaces) if (ns in messages) out[ns] = (messages as Record<string, unknown>)[ns];
  return out as Messages;
}

/** The request's locale, time zone and formats for the client, with only the layout's messages. */
export async function LayoutMessages({ children }: { children: ReactNode }) {
  return <NextIntlClientProvider messages={pickMessages(await getMessages(), LAYOUT_NAMESPACES)}>{children}</NextIntlClientProvider>;
}

/** For the client components inside: the layout's messages and `namespaces`. */
export async function ClientMessages({ namespaces, children }: { namespaces: readonly string[]; children: ReactNode }) {
  return <NextIntlClientProvider messages={pickMessages(await getMessages(), [...LAYOUT_NAMESPACES, ...namespaces])}>{children}</NextIntlClientProvider>;
}
