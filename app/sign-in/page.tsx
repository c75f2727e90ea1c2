import { getLocale, getTranslations } from "next-intl/server";
import { safeNextPath } from "../../server/http-guards.ts";
import { SignInForm } from "./SignInForm.tsx";
import { LocaleSwitch } from "../_components/LocaleSwitch.tsx";
import { localeChoices } from "../_i18n/choices.ts";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  return { title: (await getTranslations("signIn"))("signIn") };
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  const t = await getTranslations("signIn");
  const common = await getTranslations("common");
  return (
    <main className="signin">
      <LocaleSwitch current={await getLocale()} choices={localeChoices()} />
      <h1>GradLab</h1>
      <p className="muted">{common("tagline")}</p>
      {/* Only a path on this site (a backslash or a tab after the slash would leave it). */}
      <SignInForm next={safeNextPath(next)} />
      <p className="muted small">{t.rich("accountsNote", { code: (chunks) => <code>{chunks}</code> })}</p>
    </main>
  );
}
