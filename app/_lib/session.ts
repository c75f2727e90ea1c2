import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { loadServer, type SessionUser } from "./server-loader.ts";

/** The signed-in user for a page, or a redirect to the sign-in page. */
export async function requireUser(next?: string): Promise<SessionUser> {
  const be = await loadServer();
  const user = await be.sessionUser(await headers());
  if (!user) redirect(`/sign-in${next ? `?next=${encodeURIComponent(next)}` : ""}`);
  return user;
}

/** Run a course workflow for a page: a 404/403 from it (not a member, role too low) is a 404 page. */
export async function orNotFound<T>(fn: () => Promise<T> | T): Promise<T> {
  const { httpErrorOf } = await import("./server-loader.ts");
  const { notFound } = await import("next/navigation");
  try {
    return await fn();
  } catch (e) {
    const h = httpErrorOf(e);
    if (h && (h.status === 404 || h.status === 403)) notFound();
    throw e;
  }
}
