import type { ReactNode } from "react";
import { getLocale, getTranslations } from "next-intl/server";
import { LayoutMessages } from "./_i18n/client-messages.tsx";
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
        {/* Client components get the request's locale from here, and only the messages the top bar needs:
            a page's own client components get theirs from its <ClientMessages> (app/_i18n/client-messages.tsx). */}
        <LayoutMessages>{children}</LayoutMessages>
      </body>
    </html>
  );
}
