import type { ReactNode } from "react";
import "katex/dist/katex.min.css";
import "./globals.css";

export const metadata = { title: "GradLab", description: "Deep learning from scratch, graded." };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
