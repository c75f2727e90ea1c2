import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { backend, type SessionUser } from "./backend.ts";

/** The signed-in user for a page, or a redirect to the sign-in page. */
export async function requireUser(next?: string): Promise<SessionUser> {
  const be = await backend();
  const user = await be.sessionUser(await headers());
  if (!user) redirect(`/sign-in${next ? `?next=${encodeURIComponent(next)}` : ""}`);
  return user;
}
