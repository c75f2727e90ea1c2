/**
 * The editor's local journal: the learner's latest text of one exercise, kept in this browser
 * (localStorage, per user and exercise) on every edit, so that nothing typed is lost when a save
 * fails, the session ends mid-edit, or the tab closes before the autosave. The server's draft
 * carries a revision (its save time, ms); the journal remembers the revision its text was last
 * in step with, so the page can tell which copy is newer when it opens.
 *
 * Pure decisions (`chooseStart`) are separate from storage so they can be tested in Node.
 */

/** The server's draft as the page received it: `rev` increases with every save. */
export interface ServerDraft {
  code: string;
  rev: number;
}

export interface JournalEntry {
  /** The editor's latest text. */
  code: string;
  /** When it was last changed, this browser's clock (ms). */
  editedAt: number;
  /** The server revision this text was last in step with (saved as, or loaded from); null: none. */
  baseRev: number | null;
  /** Whether the server holds exactly `code` (at `baseRev`). */
  saved: boolean;
  /** Where this text came from when an action replaced the editor's text (e.g. "attempt #3"), until the page shows it. */
  origin?: string;
}

/** A text the learner replaced on purpose (loaded an attempt, took the other copy, reset), so it can be restored. */
export interface KeptCopy {
  code: string;
  keptAt: number;
  /** Why it was set aside, as a learner reads it: "before loading attempt #3". */
  reason: string;
}

export const MAX_KEPT = 5;

const entryKey = (userId: string, exerciseId: string) => `gradlab:journal:v1:${userId}:${exerciseId}`;
const keptKey = (userId: string, exerciseId: string) => `gradlab:journal-kept:v1:${userId}:${exerciseId}`;
/** The old, per-exercise (not per-user) copy: another account on this browser could read it. */
const legacyKey = (exerciseId: string) => `gradlab:draft:${exerciseId}`;

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null; // storage disabled by the browser's settings
  }
}

function readJson(key: string): unknown {
  try {
    const raw = storage()?.getItem(key);
    return raw ? (JSON.parse(raw) as unknown) : null;
  } catch {
    return null;
  }
}

/** False when the browser refused (quota, storage disabled): the caller says the copy is not kept. */
function writeJson(key: string, value: unknown): boolean {
  try {
    const s = storage();
    if (!s) return false;
    s.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

function isEntry(v: unknown): v is JournalEntry {
  const e = v as JournalEntry | null;
  return !!e && typeof e.code === "string" && typeof e.editedAt === "number" && (e.baseRev === null || typeof e.baseRev === "number") && typeof e.saved === "boolean";
}

export function readEntry(userId: string, exerciseId: string): JournalEntry | null {
  storage()?.removeItem(legacyKey(exerciseId));
  const v = readJson(entryKey(userId, exerciseId));
  return isEntry(v) ? v : null;
}

export function writeEntry(userId: string, exerciseId: string, entry: JournalEntry): boolean {
  return writeJson(entryKey(userId, exerciseId), entry);
}

export function readKept(userId: string, exerciseId: string): KeptCopy[] {
  const v = readJson(keptKey(userId, exerciseId));
  return Array.isArray(v) ? v.filter((k): k is KeptCopy => typeof k?.code === "string" && typeof k?.keptAt === "number" && typeof k?.reason === "string") : [];
}

/** Set `code` aside (newest first, at most MAX_KEPT; an identical newest copy is not repeated). */
export function keepCopy(userId: string, exerciseId: string, code: string, reason: string, now = Date.now()): KeptCopy[] {
  const kept = readKept(userId, exerciseId);
  if (kept[0]?.code === code) return kept;
  const next = [{ code, keptAt: now, reason }, ...kept].slice(0, MAX_KEPT);
  writeJson(keptKey(userId, exerciseId), next);
  return next;
}

/**
 * Put `code` in the editor for the next visit of the exercise page (the history page's "load this
 * attempt"): the text the editor would have shown is kept first, so it can be restored.
 */
export function loadIntoEditor(userId: string, exerciseId: string, code: string, origin: string, server: ServerDraft | null, starter: string, now = Date.now()): void {
  const entry = readEntry(userId, exerciseId);
  const current = chooseStart(server, entry, starter).code;
  if (current !== code) keepCopy(userId, exerciseId, current, `before loading ${origin}`, now);
  writeEntry(userId, exerciseId, { code, editedAt: now, baseRev: server?.rev ?? entry?.baseRev ?? null, saved: false, origin });
}

export type Source = "server" | "local" | "starter";

/** What the editor opens with, and the other copy to offer (with a diff) when the two differ. */
export interface StartChoice {
  code: string;
  source: Source;
  /** Set when this browser's copy and the server's differ in a way the learner should see. */
  other?: { code: string; source: Source; at: number | null };
  /** Why `code` was chosen, as a learner reads it. */
  why?: string;
  /** The action that put `code` in the journal, e.g. "attempt #3". */
  origin?: string;
}

/**
 * The newer of the server's draft and this browser's journal:
 * - the journal has nothing the server lacks (saved, or the same text): the server's draft
 *   (or the starter when there is none);
 * - the journal has unsaved edits and the server has not changed since they were based on it:
 *   the journal (it is newer), offering the server's copy;
 * - both changed since (another tab or device saved meanwhile): the later edit, by time,
 *   offering the other.
 */
export function chooseStart(server: ServerDraft | null, entry: JournalEntry | null, starter: string): StartChoice {
  const serverCode = server?.code ?? starter;
  const serverSource: Source = server ? "server" : "starter";
  if (!entry || entry.code === serverCode) return { code: serverCode, source: serverSource };
  // Everything in the journal reached the server once; the server may since hold newer text.
  if (entry.saved && server) return { code: serverCode, source: serverSource };
  const serverChanged = server !== null && (entry.baseRev === null || server.rev > entry.baseRev);
  const local: StartChoice = {
    code: entry.code,
    source: "local",
    other: { code: serverCode, source: serverSource, at: server?.rev ?? null },
    why: serverChanged ? "Edited in this browser after the server's draft was last saved" : "Edits in this browser that had not reached the server",
    origin: entry.origin,
  };
  if (!serverChanged) return local;
  if (entry.editedAt > server.rev) return local;
  return {
    code: serverCode,
    source: serverSource,
    other: { code: entry.code, source: "local", at: entry.editedAt },
    why: "The server's draft was saved after this browser's copy was last edited",
  };
}
