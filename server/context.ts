/**
 * What every server module shares, once per process: the database, auth, the catalogue and the
 * signed-in user. index.ts and courses/ build on it (no import cycle between them).
 */
import { openDb, type Db } from "../db/client.ts";
import { loadCatalogue, type Catalogue, type Exercise } from "../grader/exercises.ts";
import { createAuth, type Role } from "./auth.ts";
import { createSessionLookup } from "./session-lookup.ts";
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

const sessions = createSessionLookup(db, auth);

/** The signed-in user (cookie or `Authorization: Bearer`), or null: server/session-lookup.ts. */
export function sessionUser(headers: Headers): Promise<SessionUser | null> {
  return sessions.user(headers);
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
