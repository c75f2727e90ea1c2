import { getTranslations } from "next-intl/server";
import { PasswordForm } from "../account/PasswordForm.tsx";

export const dynamic = "force-dynamic";

/** Where an admin's one-time reset link lands (no sign-in needed: the token is the proof). */
export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  const t = await getTranslations("account");
  return (
    <main className="page">
      <h1>{t("resetTitle")}</h1>
      {token ? <PasswordForm mode="reset" token={token} /> : <p className="error">{t("badLink")}</p>}
    </main>
  );
}
