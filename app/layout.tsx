import type { ReactNode } from "react";
import "katex/dist/katex.min.css";
import "./globals.css";

// Every page is rendered per request, so Next can put the CSP nonce (server/request-guard.ts) on its scripts.
export const dynamic = "force-dynamic";

export const metadata = { title: "GradLab", description: "Deep learning from scratch, graded." };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
