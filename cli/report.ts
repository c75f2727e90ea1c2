/** The human-readable report of `gradlab grade` (without --json), in English or from a catalogue of the grader's translations. */
import kleur from "kleur";
import { outputParts, type GradeResult, type TestResult } from "../lib/result.ts";
import { renderCheckName, renderText, type LocalText, type TextCatalog } from "../lib/messages/text.ts";
import { availableLocales, matchLocale, negotiateLocale } from "../lib/i18n/locales.ts";

/**
 * The report's language: `--lang`, else LC_ALL, LC_MESSAGES or LANG ("zh_CN.UTF-8" reads as zh-CN),
 * as one of the languages there are messages for; English otherwise.
 */
export function reportLocale(lang: string | undefined, env: NodeJS.ProcessEnv = process.env, available = availableLocales()): string {
  if (lang) {
    const chosen = matchLocale(lang, available) ?? negotiateLocale(lang, available);
    if (!chosen) throw new Error(`--lang ${lang}: no such language (there are ${available.join(", ")})`);
    return chosen;
  }
  const fromEnv = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v && v !== "C" && v !== "POSIX");
  return (fromEnv && negotiateLocale(fromEnv.split(".")[0].replace(/_/g, "-"), available)) || "en";
}

/** The report's own words (the grader's come with the result), per language; English for any other. */
const WORDS: Record<string, { points: string; hidden: string; console: string; case: string; hint: string; gap: string; status: Record<GradeResult["status"], string> }> = {
  en: {
    points: "points",
    hidden: "hidden",
    console: "console output:",
    case: "Case:",
    hint: "Hint:",
    gap: " ",
    status: { passed: "PASSED", failed: "FAILED", error: "ERROR", timeout: "TIMEOUT", memory: "MEMORY" },
  },
  "zh-CN": {
    points: "分",
    hidden: "隐藏",
    console: "控制台输出：",
    case: "用例：",
    hint: "提示：",
    gap: "",
    status: { passed: "通过", failed: "未通过", error: "出错", timeout: "超时", memory: "超出内存" },
  },
};

/** A test's output in the catalogue's language: message, case and hint each translated when it can be, else English. */
function testOutput(t: TestResult, catalog: TextCatalog, words: (typeof WORDS)["en"]): string {
  const say = (text: LocalText | undefined, english: string) => (text ? (renderText(text, catalog) ?? english) : english);
  const { message, kind, hint } = outputParts(t);
  return [
    message && say(t.text?.message, message),
    kind !== undefined && `${words.case}${words.gap}${say(t.text?.case, kind)}`,
    hint !== undefined && `${words.hint}${words.gap}${say(t.text?.hint, hint)}`,
  ].filter(Boolean).join("\n");
}

export function formatReport(r: GradeResult, opts: { locale?: string; catalog?: TextCatalog } = {}): string {
  const words = WORDS[opts.locale ?? "en"] ?? WORDS.en;
  const catalog = opts.catalog ?? {};
  const lines: string[] = [];
  const statusColour = r.status === "passed" ? kleur.green : r.status === "failed" ? kleur.yellow : kleur.red;
  lines.push(`${kleur.bold(r.exercise)}  ${statusColour(words.status[r.status] ?? r.status.toUpperCase())}  ${r.score}/${r.maxScore} ${words.points}  (${r.durationMs} ms)`);
  if (r.message) lines.push("", kleur.red(r.messageText ? (renderText(r.messageText, catalog) ?? r.message) : r.message));
  lines.push("");
  for (const t of r.tests) {
    const mark = t.status === "passed" ? kleur.green("✓") : kleur.red("✗");
    const vis = t.visibility === "hidden" ? kleur.dim(` [${words.hidden}]`) : "";
    lines.push(`${mark} ${renderCheckName(t.name, catalog)}${vis}  ${kleur.dim(`${t.score}/${t.maxScore}`)}`);
    const output = testOutput(t, catalog, words);
    if (output) {
      for (const l of output.split("\n")) lines.push(`    ${t.status === "failed" ? l : kleur.dim(l)}`);
    }
  }
  if (r.stdout) {
    lines.push("", kleur.bold(words.console));
    for (const l of r.stdout.replace(/\n$/, "").split("\n")) lines.push(`  ${l}`);
  }
  return lines.join("\n");
}
