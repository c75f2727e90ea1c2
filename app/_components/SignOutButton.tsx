"use client";
import { useTranslations } from "next-intl";

export function SignOutButton() {
  const t = useTranslations("common");
  return (
    <button
      className="linkish"
      onClick={async () => {
        await fetch("/api/auth/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
        window.location.href = "/sign-in";
      }}
    >
      {t("signOut")}
    </button>
  );
}
