/**
 * Backups of a GradLab data folder while the server runs: the database through SQLite's online
 * backup API (a consistent copy even while workers write), and every other file of the folder
 * (the auth secret...), in one zip. Restoring never overwrites: what was there is moved aside.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { strToU8, strFromU8, unzipSync, zipSync } from "fflate";
import { openDb } from "../db/client.ts";

const DB_FILE = "gradlab.sqlite";
const MANIFEST = "gradlab-backup.json";
/** Live files SQLite or the workers own: the backup's database copy stands for them, or they are signals. */
const SKIP = new Set([DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`, "queue.wake"]);

export interface BackupManifest {
  format: 1;
  createdAt: string;
  files: string[];
  submissions: number;
}

function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return filesUnder(p, base);
    const rel = relative(base, p);
    return SKIP.has(rel) ? [] : [rel];
  });
}

/** Write a backup of `dataDir` to `file` (a zip). */
export async function backupDataDir(dataDir: string, file: string): Promise<BackupManifest> {
  if (!existsSync(join(dataDir, DB_FILE))) throw new Error(`${dataDir} holds no GradLab database (${DB_FILE}): is GRADLAB_DATA_DIR right?`);
  const db = openDb(dataDir);
  const tmp = mkdtempSync(join(tmpdir(), "gradlab-backup-"));
  try {
    const copy = join(tmp, DB_FILE);
    await db.$client.backup(copy);
    const submissions = (db.$client.prepare("select count(*) as n from submissions").get() as { n: number }).n;
    const files = filesUnder(dataDir);
    const manifest: BackupManifest = { format: 1, createdAt: new Date().toISOString(), files: [DB_FILE, ...files], submissions };
    const entries: Record<string, Uint8Array> = { [MANIFEST]: strToU8(JSON.stringify(manifest, null, 2)), [DB_FILE]: readFileSync(copy) };
    for (const f of files) entries[f] = readFileSync(join(dataDir, f));
    writeFileSync(file, zipSync(entries, { level: 6 }));
    return manifest;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Restore `file` into `dataDir`. A folder that already holds a database is refused unless
 * `force`; then its files are moved into `before-restore-<time>/` inside it, never deleted.
 * The server must be stopped (it holds the database open).
 */
export function restoreDataDir(file: string, dataDir: string, opts: { force?: boolean } = {}): { manifest: BackupManifest; movedAside?: string } {
  if (!existsSync(file)) throw new Error(`no backup at ${file}`);
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(readFileSync(file));
  } catch {
    throw new Error(`${file} is not a GradLab backup (not a zip file)`);
  }
  const raw = entries[MANIFEST];
  if (!raw || !entries[DB_FILE]) throw new Error(`${file} is not a GradLab backup (no ${MANIFEST} or ${DB_FILE} inside)`);
  const manifest = JSON.parse(strFromU8(raw)) as BackupManifest;
  if (manifest.format !== 1) throw new Error(`${file} has backup format ${String(manifest.format)}; this GradLab reads format 1`);
  const outside = Object.keys(entries).find((n) => n.startsWith("/") || n.split(/[\\/]/).includes(".."));
  if (outside) throw new Error(`${file} names a path outside the data folder (${outside}): refusing it`);
  mkdirSync(dataDir, { recursive: true });
  let movedAside: string | undefined;
  const present = readdirSync(dataDir).filter((n) => !n.startsWith("before-restore-"));
  if (present.length > 0) {
    if (existsSync(join(dataDir, DB_FILE)) && !opts.force) {
      throw new Error(`${dataDir} already holds a GradLab database: stop the server and pass --force to restore over it (its files are moved aside into before-restore-<time>/, not deleted)`);
    }
    movedAside = join(dataDir, `before-restore-${new Date().toISOString().replace(/[:.]/g, "-")}`);
    mkdirSync(movedAside);
    for (const n of present) renameSync(join(dataDir, n), join(movedAside, n));
  }
  for (const [name, bytes] of Object.entries(entries)) {
    if (name === MANIFEST) continue;
    const out = join(dataDir, name);
    mkdirSync(join(out, ".."), { recursive: true });
    writeFileSync(out, bytes);
  }
  return { manifest, movedAside };
}
