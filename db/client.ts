/**
 * Opening the database: a SQLite file in GRADLAB_DATA_DIR (default ./data), WAL mode so the web
 * server and several worker processes share it, migrations applied on open.
 */
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as schema from "./schema.ts";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/**
 * `make`'s result once per connection, e.g. the statements a hot path runs: drizzle builds the SQL
 * and SQLite prepares it again on every plain call (issue 19). Keyed by the connection, so a
 * database opened again (tests) gets its own.
 */
export function perConnection<T>(make: (db: Db) => T): (db: Db) => T {
  const made = new WeakMap<Database.Database, T>();
  return (db) => {
    let value = made.get(db.$client);
    if (value === undefined) made.set(db.$client, (value = make(db)));
    return value;
  };
}

const MIGRATIONS = fileURLToPath(new URL("./migrations", import.meta.url));

/** The folder with the database and all other state. */
export function dataDir(): string {
  return resolve(process.env.GRADLAB_DATA_DIR ?? "./data");
}

const opened = new Map<string, Db>();

/** Open (once per process and file) and migrate the database in `dir`. */
export function openDb(dir = dataDir()): Db {
  const file = join(dir, "gradlab.sqlite");
  let db = opened.get(file);
  if (db) return db;
  mkdirSync(dir, { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("synchronous = NORMAL");
  db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder: MIGRATIONS });
  opened.set(file, db);
  return db;
}

/** Close every database this process opened (tests, graceful shutdown). */
export function closeAllDbs(): void {
  for (const db of opened.values()) db.$client.close();
  opened.clear();
}
