import { safeNextPath } from "../../server/http-guards.ts";
import { SignInForm } from "./SignInForm.tsx";

export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  return (
    <main className="signin">
      <h1>GradLab</h1>
      <p className="muted">Deep learning from scratch, graded.</p>
      {/* Only a path on this site (a backslash or a tab after the slash would leave it). */}
      <SignInForm next={safeNextPath(next)} />
      <p className="muted small">Accounts are made by your instructor (<code>gradlab user add</code>). The demo accounts and their passwords were printed when the server first started.</p>
    </main>
  );
}
