// The committed migrations and db/schema.ts describe the same database: `drizzle-kit generate`
// would find nothing to do, and the database the migrations build is the one the schema declares.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { generateSQLiteDrizzleJson, generateSQLiteMigration, type DrizzleSQLiteSnapshotJSON } from "drizzle-kit/api";
import { closeAllDbs, openDb } from "../../db/client.ts";
import * as schema from "../../db/schema.ts";

const MIGRATIONS = "db/migrations";

/** The snapshot drizzle-kit wrote with the newest migration: what its next `generate` diffs against. */
function latestSnapshot(): DrizzleSQLiteSnapshotJSON {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, "meta/_journal.json"), "utf8")) as { entries: { idx: number; tag: string }[] };
  const last = journal.entries.at(-1)!;
  return JSON.parse(readFileSync(join(MIGRATIONS, `meta/${String(last.idx).padStart(4, "0")}_snapshot.json`), "utf8")) as DrizzleSQLiteSnapshotJSON;
}

/** Tables, columns (by name: ALTER TABLE appends), indexes and foreign keys, as SQLite reports them. */
function structure(db: Database.Database) {
  const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name`).all() as { name: string }[]).map((t) => t.name);
  return Object.fromEntries(
    tables.map((t) => {
      const columns = (db.pragma(`table_xinfo(\`${t}\`)`) as { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[])
        .map((c) => ({ name: c.name, type: c.type, notnull: c.notnull, dflt: c.dflt_value, pk: c.pk }))
        .sort((a, b) => a.name.localeCompare(b.name));
      const indexes = (db.pragma(`index_list(\`${t}\`)`) as { name: string; unique: number; origin: string }[])
        .map((i) => ({ name: i.name.startsWith("sqlite_autoindex") ? `(${i.origin})` : i.name, unique: i.unique, columns: (db.pragma(`index_info(\`${i.name}\`)`) as { name: string }[]).map((c) => c.name) }))
        .sort((a, b) => `${a.name}${a.columns}`.localeCompare(`${b.name}${b.columns}`));
      const foreignKeys = (db.pragma(`foreign_key_list(\`${t}\`)`) as { table: string; from: string; to: string; on_update: string; on_delete: string }[])
        .map((f) => ({ table: f.table, from: f.from, to: f.to, onUpdate: f.on_update, onDelete: f.on_delete }))
        .sort((a, b) => `${a.table}.${a.from}`.localeCompare(`${b.table}.${b.from}`));
      return [t, { columns, indexes, foreignKeys }];
    }),
  );
}

describe("db/migrations match db/schema.ts", () => {
  it("the newest snapshot is the schema: `drizzle-kit generate` would write no migration", async () => {
    const statements = await generateSQLiteMigration(latestSnapshot(), await generateSQLiteDrizzleJson(schema));
    expect(statements, "db/schema.ts changed without a migration: run `npx drizzle-kit generate` (see docs/authoring.md)").toEqual([]);
  });

  it("(the comparison sees a drift: a snapshot missing a table gets that table created)", async () => {
    const drifted = structuredClone(latestSnapshot());
    delete drifted.tables.grading_jobs;
    const statements = await generateSQLiteMigration(drifted, await generateSQLiteDrizzleJson(schema));
    expect(statements.some((s) => s.startsWith("CREATE TABLE `grading_jobs`"))).toBe(true);
  });

  it("the database the migrations build has the schema's tables, columns, indexes and foreign keys", async () => {
    const migrated = openDb(mkdtempSync(join(tmpdir(), "gradlab-mig-")));
    const declared = new Database(":memory:");
    try {
      const empty = await generateSQLiteDrizzleJson({});
      for (const sql of await generateSQLiteMigration(empty, await generateSQLiteDrizzleJson(schema))) declared.exec(sql);
      const want = structure(declared);
      expect(Object.keys(want).length).toBeGreaterThan(10);
      expect(structure(migrated.$client)).toEqual(want);
    } finally {
      declared.close();
      closeAllDbs();
    }
  });
});
