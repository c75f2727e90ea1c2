import Link from "next/link";
import type { SessionUser } from "../_lib/server-loader.ts";
import { SignOutButton } from "./SignOutButton.tsx";

export function TopBar({ user, crumbs = [] }: { user: SessionUser; crumbs?: { href?: string; label: string }[] }) {
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
        <Link href="/courses" data-testid="courses-link">Courses</Link>
        <span data-testid="who">{user.email}</span>
        <span className={`role role-${user.role}`}>{user.role}</span>
        <SignOutButton />
      </div>
    </header>
  );
}
