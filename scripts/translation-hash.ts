/**
 * Prints, for every exercise, the hash a translation of its statement.md must record, and whether
 * each statement.<locale>.md records it (ok), an older one (stale), none (no marker) or is absent.
 *
 * Run: node scripts/translation-hash.ts [--check] [--locale zh-CN]
 *   --check  exit 1 unless every exercise has an up-to-date translation
 * A translation's first line is `<!-- translation-of: sha256:<hash> -->` (lib/statement/translation.ts).
 */
import { existsSync, globSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { readTranslationSource, translationSourceHash } from "../lib/statement/translation.ts";

type Status = "ok" | "stale" | "no marker" | "missing";

const { values } = parseArgs({ options: { check: { type: "boolean", default: false }, locale: { type: "string", default: "zh-CN" } } });
const root = join(dirname(fileURLToPath(import.meta.url)), "..");

let bad = 0;
for (const english of globSync("exercises/*/*/statement.md", { cwd: root }).sort()) {
  const englishHash = translationSourceHash(readFileSync(join(root, english), "utf8"));
  const translation = join(root, dirname(english), `statement.${values.locale}.md`);
  const recorded = existsSync(translation) ? readTranslationSource(readFileSync(translation, "utf8")) : undefined;
  const status: Status = recorded === undefined ? "missing" : recorded === null ? "no marker" : recorded === englishHash ? "ok" : "stale";
  if (status !== "ok") bad++;
  const note = status === "stale" ? ` (records ${recorded})` : "";
  console.log(`${englishHash}  ${status.padEnd(9)}  ${relative(root, translation)}${note}`);
}
if (values.check && bad > 0) {
  console.error(`${bad} translation(s) missing or older than their statement.md: translate the change, then set the first line to the hash above`);
  process.exit(1);
}
