/**
 * What every server module shares, once per process: the database, auth, the catalogue and the
 * signed-in user. index.ts and courses/ build on it (no import cycle between them).
 */
import { openDb, type Db } from "../db/client.ts";
import { loadCatalogue, type Catalogue, type Exercise } from "../grader/exercises.ts";
import { createAuth, type Role } from "./auth.ts";
import { renderText, type Text } from "../lib/i18n/server-text.ts";

export const db: Db = openDb();
export const auth = createAuth(db);

let catalogue: Promise<Catalogue> | undefined;
export function getCatalogue(): Promise<Catalogue> {
  catalogue ??= loadCatalogue();
  return catalogue;
}

export async function findExercise(id: string): Promise<Exercise | undefined> {
  return (await getCatalogue()).exercises.find((e) => e.id === id);
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/** The signed-in user (cookie or `Authorization: Bearer`), or null. */
export async function sessionUser(headers: Headers): Promise<SessionUser | null> {
  // A bearer token (`gradlab token`) keeps the expiry it was issued with: no sliding refresh.
  const bearer = /^Bearer\s/i.test(headers.get("authorization") ?? "");
  const s = await auth.api.getSession({ headers, query: bearer ? { disableRefresh: true } : undefined });
  if (!s) return null;
  const u = s.user as { id: string; email: string; name: string; role?: string };
  return { id: u.id, email: u.email, name: u.name, role: (u.role as Role) ?? "learner" };
}

export const canReadAll = (u: SessionUser) => u.role === "instructor" || u.role === "admin";

/**
 * An error with its HTTP status, thrown by the course workflows and turned into a 4xx by callers.
 * Given as a message key (lib/i18n/server-text.ts), the API answers in the reader's language;
 * `message` is its English.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: Text | undefined;
  constructor(status: number, message: string | Text, headers: Record<string, string> = {}) {
    super(typeof message === "string" ? message : renderText(message));
    this.status = status;
    this.headers = headers;
    this.text = typeof message === "string" ? undefined : message;
  }
}
