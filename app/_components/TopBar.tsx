import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import type { SessionUser } from "../_lib/server-loader.ts";
import { SignOutButton } from "./SignOutButton.tsx";
import { LocaleSwitch } from "./LocaleSwitch.tsx";
import { localeChoices } from "../_i18n/choices.ts";

export async function TopBar({ user, crumbs = [] }: { user: SessionUser; crumbs?: { href?: string; label: string }[] }) {
  const t = await getTranslations("common");
  return (
    <header className="topbar">
      <nav className="crumbs">
        <Link href="/" className="brand">GradLab</Link>
        {crumbs.map((c, i) => (
          <span key={i}>
            <span className="sep">/</span>
            {c.href ? <Link href={c.href}>{c.label}</Link> : <span>{c.label}</span>}
          </span>
        ))}
      </nav>
      <div className="who">
        <Link href="/courses" data-testid="courses-link">{t("courses")}</Link>
        <span data-testid="who">{user.email}</span>
        <span className={`role role-${user.role}`}>{t(`roles.${user.role}`)}</span>
        <LocaleSwitch current={await getLocale()} choices={localeChoices()} />
        <SignOutButton />
      </div>
    </header>
  );
}
