import { getTranslations } from "next-intl/server";
import { requireUser } from "../_lib/session.ts";
import { TopBar } from "../_components/TopBar.tsx";
import { PasswordForm } from "./PasswordForm.tsx";

export const dynamic = "force-dynamic";

/** The signed-in user's account: change their own password (better-auth's change-password). */
export default async function AccountPage() {
  const user = await requireUser("/account");
  const t = await getTranslations("account");
  return (
    <>
      <TopBar user={user} crumbs={[{ label: t("title") }]} />
      <main className="page">
        <h1>{t("title")}</h1>
        <p className="muted">{user.email}</p>
        <h2>{t("changePassword")}</h2>
        <PasswordForm mode="change" />
      </main>
    </>
  );
}
