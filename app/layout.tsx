import type { ReactNode } from "react";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getTranslations } from "next-intl/server";
import "katex/dist/katex.min.css";
import "./globals.css";

// Every page is rendered per request, so Next can put the CSP nonce (server/request-guard.ts) on its scripts.
export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("common");
  // Each page names itself ("Dense layer · GradLab"); pages without a name of their own are "GradLab".
  return { title: { default: "GradLab", template: "%s · GradLab" }, description: t("tagline") };
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await getLocale();
  return (
    <html lang={locale}>
      <body>
        {/* Client components get the request's locale and messages from here (app/_i18n/request.ts). */}
        <NextIntlClientProvider>{children}</NextIntlClientProvider>
      </body>
    </html>
  );
}
