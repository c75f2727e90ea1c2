/**
 * `gradlab backup <file>` and `gradlab restore <file> [--force]`: the data folder (GRADLAB_DATA_DIR)
 * in one file, taken while the server runs (server/backup.ts).
 */
import type { Command } from "commander";

function fail(message: string): never {
  process.stderr.write(`gradlab: ${message}\n`);
  process.exit(2);
}

export function registerBackupCommands(program: Command): void {
  program
    .command("backup <file>")
    .description("write a consistent copy of the database and the data folder to <file> (a zip), while the server runs")
    .action(async (file: string) => {
      const { dataDir } = await import("../db/client.ts");
      const { backupDataDir } = await import("../server/backup.ts");
      try {
        const m = await backupDataDir(dataDir(), file);
        process.stdout.write(`backed up ${dataDir()} to ${file}: ${m.files.length} files, ${m.submissions} submissions\n`);
      } catch (e) {
        fail((e as Error).message);
      }
    });
  program
    .command("restore <file>")
    .description("put a backup back into the data folder (stop the server first); --force restores over a database, moving its files aside")
    .option("--force", "restore over an existing database (its files are moved into before-restore-<time>/)")
    .action(async (file: string, o: { force?: boolean }) => {
      const { dataDir } = await import("../db/client.ts");
      const { restoreDataDir } = await import("../server/backup.ts");
      try {
        const r = restoreDataDir(file, dataDir(), { force: o.force });
        process.stdout.write(`restored ${file} (taken ${r.manifest.createdAt}, ${r.manifest.submissions} submissions) into ${dataDir()}${r.movedAside ? `; the files that were there are in ${r.movedAside}` : ""}\n`);
      } catch (e) {
        fail((e as Error).message);
      }
    });
}
