import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import type { SessionUser } from "../_lib/server-loader.ts";
import { SignOutButton } from "./SignOutButton.tsx";
import { LocaleSwitch } from "./LocaleSwitch.tsx";
import { localeChoices } from "../_i18n/choices.ts";

export async function TopBar({ user, crumbs = [] }: { user: SessionUser; crumbs?: { href?: string; label: string }[] }) {
  const t = await getTranslations("common");
  const ta = await getTranslations("account");
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
        {user.role === "admin" && <Link href="/admin" data-testid="admin-link">{ta("adminLink")}</Link>}
        <Link href="/account" data-testid="account-link">{ta("link")}</Link>
        <span data-testid="who">{user.email}</span>
        <span className={`role role-${user.role}`}>{t(`roles.${user.role}`)}</span>
        <LocaleSwitch current={await getLocale()} choices={localeChoices()} />
        <SignOutButton />
      </div>
    </header>
  );
}
