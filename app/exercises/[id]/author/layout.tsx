import type { ReactNode } from "react";
import { ClientMessages } from "../../../_i18n/client-messages.tsx";

/** The messages this segment's client components use (see app/_i18n/client-messages.tsx). */
export default function Layout({ children }: { children: ReactNode }) {
  return <ClientMessages namespaces={["validate"]}>{children}</ClientMessages>;
}
