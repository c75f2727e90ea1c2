/**
 * The UI's translations (issue 17): every language folder under messages/ has exactly English's
 * keys with the same placeholders, and every key the app's code asks for exists in English.
 * catalogue.json (set titles, summaries, topics) is content, not UI: English is in the exercises;
 * a translation's entries must name real sets, exercises and topics.
 */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { availableLocales, messageKeys, messagesDir, negotiateLocale, readMessages, resolveLocale, type Messages } from "../../lib/i18n/locales.ts";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const dir = messagesDir(ROOT);
const CONTENT = "catalogue";
const ui = (m: Messages): Messages => Object.fromEntries(Object.entries(m).filter(([k]) => k !== CONTENT));
const en = ui(readMessages("en", dir));

function get(m: Messages, key: string): string | undefined {
  let cur: string | Messages | undefined = m;
  for (const part of key.split(".")) cur = typeof cur === "object" ? cur[part] : undefined;
  return typeof cur === "string" ? cur : undefined;
}

/** The ICU arguments and rich-text tags of a message: {name}, {n, plural, …} and <tag>. */
function placeholders(msg: string): string[] {
  const args = [...msg.matchAll(/\{\s*([A-Za-z_][\w]*)\s*(?:,|\})/g)].map((m) => m[1]);
  const tags = [...msg.matchAll(/<([A-Za-z]\w*)>/g)].map((m) => `<${m[1]}>`);
  return [...new Set([...args, ...tags])].sort();
}

function sourceFiles(d: string): string[] {
  return readdirSync(d).flatMap((n) => {
    const p = join(d, n);
    if (statSync(p).isDirectory()) return n === "node_modules" || n.startsWith(".") ? [] : sourceFiles(p);
    return /\.tsx?$/.test(n) ? [p] : [];
  });
}

/**
 * Keys used in code: `const t = useTranslations("ns")` / `await getTranslations("ns")` bind a
 * namespace; `t("key")`, `t.rich("key"` and `t.has("key")` use it. Keys built at run time
 * (t(`status.${s}`)) are checked as prefixes: the namespace must have that object. One name
 * binds one namespace per file (a second translator in the file takes another name).
 */
export function keysUsedIn(source: string): { exact: string[]; prefixes: string[] } {
  const exact: string[] = [];
  const prefixes: string[] = [];
  for (const m of source.matchAll(/(?:const|let)\s+(\w+)\s*=\s*(?:await\s+)?(?:useTranslations|getTranslations)\(\s*(?:"([^"]*)")?\s*\)/g)) {
    const [, name, ns = ""] = m;
    const call = new RegExp(`(?<![\\w.])${name}(?:\\.(?:rich|markup|raw|has))?\\(\\s*(?:"([^"]+)"|\`([^\`$]*)\\$\\{)`, "g");
    for (const c of source.matchAll(call)) {
      const full = (k: string) => (ns ? `${ns}.${k}` : k);
      if (c[1] !== undefined) exact.push(full(c[1]));
      else prefixes.push(full(c[2].replace(/\.$/, "")));
    }
  }
  return { exact, prefixes };
}

describe("UI messages", () => {
  const locales = availableLocales(dir);

  it("English and Simplified Chinese are there, found from the folders", () => {
    expect(locales).toEqual(expect.arrayContaining(["en", "zh-CN"]));
    expect(locales[0]).toBe("en");
  });

  it.each(locales.filter((l) => l !== "en"))("%s has exactly English's keys, with the same placeholders", (locale) => {
    const tr = ui(readMessages(locale, dir));
    const enKeys = messageKeys(en);
    const trKeys = messageKeys(tr);
    expect(enKeys.filter((k) => !trKeys.includes(k)), `keys missing from messages/${locale}`).toEqual([]);
    expect(trKeys.filter((k) => !enKeys.includes(k)), `keys in messages/${locale} that English lacks`).toEqual([]);
    for (const k of enKeys) expect(placeholders(get(tr, k)!), `${locale} ${k}`).toEqual(placeholders(get(en, k)!));
    for (const k of trKeys) expect(get(tr, k)!.trim(), `${locale} ${k} is empty`).not.toBe("");
  });

  it("every key the app's code uses is in English", () => {
    const missing: string[] = [];
    let used = 0;
    for (const file of sourceFiles(join(ROOT, "app"))) {
      const { exact, prefixes } = keysUsedIn(readFileSync(file, "utf8"));
      used += exact.length + prefixes.length;
      for (const k of exact) if (get(en, k) === undefined) missing.push(`${relative(ROOT, file)}: ${k}`);
      for (const p of prefixes) if (!messageKeys(en).some((k) => k.startsWith(`${p}.`))) missing.push(`${relative(ROOT, file)}: ${p}.*`);
    }
    expect(used).toBeGreaterThan(100); // the scan found the app's calls
    expect(missing).toEqual([]);
  });

  it("the key scan sees what it should (and so can fail)", () => {
    const src = `const t = useTranslations("workbench"); const h = await getTranslations("history");\nt("run"); t.rich("nope", {}); h(\`cols.\${c}\`);`;
    expect(keysUsedIn(src)).toEqual({ exact: ["workbench.run", "workbench.nope"], prefixes: ["history.cols"] });
    expect(get(en, "workbench.nope")).toBeUndefined();
  });

  it("a translation's catalogue names only real sets, exercises and topics", () => {
    const exercisesDir = join(ROOT, "exercises");
    const sets = readdirSync(exercisesDir).filter((s) => statSync(join(exercisesDir, s)).isDirectory());
    const exercises = sets.flatMap((s) => readdirSync(join(exercisesDir, s)).filter((e) => statSync(join(exercisesDir, s, e)).isDirectory() && readdirSync(join(exercisesDir, s, e)).includes("exercise.json")).map((e) => join(exercisesDir, s, e)));
    const ids = exercises.map((p) => p.split("/").at(-1)!);
    const topics = exercises.map((p) => (JSON.parse(readFileSync(join(p, "exercise.json"), "utf8")) as { topic: string }).topic);
    for (const locale of locales.filter((l) => l !== "en")) {
      const c = readMessages(locale, dir)[CONTENT] as { sets?: Messages; summaries?: Messages; topics?: Messages } | undefined;
      if (!c) continue;
      expect(Object.keys(c.sets ?? {}).filter((s) => !sets.includes(s)), `${locale}: unknown sets`).toEqual([]);
      expect(Object.keys(c.summaries ?? {}).filter((s) => !ids.includes(s)), `${locale}: unknown exercises`).toEqual([]);
      expect(Object.keys(c.topics ?? {}).filter((s) => !topics.includes(s)), `${locale}: unknown topics`).toEqual([]);
    }
    // zh-CN covers the whole catalogue today.
    const zh = readMessages("zh-CN", dir)[CONTENT] as { sets: Messages; summaries: Messages; topics: Messages };
    expect(sets.filter((s) => !(s in zh.sets))).toEqual([]);
    expect(ids.filter((s) => !(s in zh.summaries))).toEqual([]);
    expect([...new Set(topics)].filter((s) => !(s in zh.topics))).toEqual([]);
  });
});

/**
 * Server texts (lib/i18n/server-text.ts): API errors and submission refusals are message keys.
 * Keys are found as `text("errors.…")` / `say("…")` calls (a key built at run time as its prefix)
 * and zod messages as `problem("key")` (errors.body.key).
 */
export function serverKeysIn(source: string): { exact: string[]; prefixes: string[] } {
  const exact = [...source.matchAll(/(?<![\w.])(?:text|say)\(\s*"([a-z][\w]*\.[\w.]+)"/g)].map((m) => m[1]);
  exact.push(...[...source.matchAll(/(?<![\w.])problem\(\s*"(\w+)"/g)].map((m) => `errors.body.${m[1]}`));
  const prefixes = [...source.matchAll(/(?<![\w.])(?:text|say)\(\s*`([a-z][\w.]*)\.\$\{/g)].map((m) => m[1]);
  return { exact, prefixes };
}

describe("server texts", () => {
  it("every message key the server and the app's routes use is in English (and so, by the test above, in every language)", () => {
    const missing: string[] = [];
    let used = 0;
    for (const file of [...sourceFiles(join(ROOT, "server")), ...sourceFiles(join(ROOT, "app"))]) {
      const { exact, prefixes } = serverKeysIn(readFileSync(file, "utf8"));
      used += exact.length + prefixes.length;
      for (const k of exact) if (get(en, k) === undefined) missing.push(`${relative(ROOT, file)}: ${k}`);
      for (const p of prefixes) if (!messageKeys(en).some((k) => k.startsWith(`${p}.`))) missing.push(`${relative(ROOT, file)}: ${p}.*`);
    }
    expect(used).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });

  it("the scan sees keys (and so can fail)", () => {
    expect(serverKeysIn('text("errors.gate.nope", { a }); say(`errors.course.roleNames.${x}`); problem("csv")')).toEqual({ exact: ["errors.gate.nope", "errors.body.csv"], prefixes: ["errors.course.roleNames"] });
  });

  it("renders a refusal in Chinese, dates in the course's zone, nested texts in the same language; English for a key a language lacks", async () => {
    const { renderText, text, textDate } = await import("../../lib/i18n/server-text.ts");
    const due = new Date("2026-12-01T15:59:00Z");
    const t = text("errors.gate.pastDue", { assignment: "第一周", course: "深度学习", due: textDate(due, "Asia/Shanghai"), note: text("courseRules.note.afterCutoff", { days: 2 }) });
    expect(renderText(t, "zh-CN")).toBe("“第一周”（深度学习）的截止时间是 2026年12月1日 GMT+8 23:59，已不再接受提交（迟交 2 天：已过严格截止时间，不计分）。");
    expect(renderText(t, "en")).toBe('"第一周" (深度学习) was due 2026-12-01 23:59 GMT+8 and no longer accepts submissions (2 days late: after the hard cutoff, not counted).');
    expect(renderText([text("errors.course.dueBeforeRelease"), text("errors.course.exportFirst")], "zh-CN")).toBe("截止时间早于发布时间。请先下载课程导出（设置 → 下载全部数据）：删除后无法恢复。");
    expect(renderText(text("errors.no.such.key"), "zh-CN")).toBe("errors.no.such.key");
  });
});

describe("Run's own texts (app/_run/run-texts.ts)", () => {
  it("messages/en/run.json is the worker's English; each language renders them by key", async () => {
    const { RUN_TEXTS, runCatalog, runText } = await import("../../app/_run/run-texts.ts");
    const { renderText } = await import("../../lib/messages/text.ts");
    expect(en.run).toEqual(RUN_TEXTS);
    const stopped = runText("internalError", "x is undefined");
    expect(stopped).toEqual({ en: "Internal error in the checks: x is undefined", text: { key: "run.internalError", params: ["x is undefined"] } });
    const zh = runCatalog(readMessages("zh-CN", dir).run);
    expect(renderText(stopped.text, zh)).toBe("检查程序内部出错：x is undefined");
    for (const name of Object.keys(RUN_TEXTS) as (keyof typeof RUN_TEXTS)[]) expect(renderText(runText(name).text, zh), name).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe("the test-only pseudo-language (lib/i18n/pseudo.ts)", () => {
  it("marks every UI message, keeps its placeholders and tags, still parses; offered only when switched on", async () => {
    const { parse } = await import("@formatjs/icu-messageformat-parser");
    const { PSEUDO_LOCALE, pseudoMessage, pseudoTemplate } = await import("../../lib/i18n/pseudo.ts");
    expect(availableLocales(dir)).not.toContain(PSEUDO_LOCALE);
    for (const k of messageKeys(en)) {
      const p = pseudoMessage(get(en, k)!);
      expect(p, k).toMatch(/^⟦[^]*⟧$/);
      expect(placeholders(p), k).toEqual(placeholders(get(en, k)!));
      expect(() => parse(p), k).not.toThrow();
      // No word of plain ASCII letters is left outside placeholders, tags and quoted text.
      // (Branch keys and argument heads are not text: "{role, select, ta {…}" loses "role", "select" and "ta".)
      const literal = p.replace(/<[^>]*>|'[^']*'/g, "").replace(/(?:=\d+|\w+)\s*\{/g, "{").replace(/\{\s*\w+\s*(,\s*\w+\s*)?(,[^{}]*)?\}?/g, "");
      expect(literal.match(/\b[A-Za-z]{2,}\b/g) ?? [], k).toEqual([]);
    }
    expect(pseudoMessage("{n, plural, one {# day} other {# days}} <b>late</b>: {x}")).toBe("⟦{n, plural, one {# đàý} other {# đàýš}} <b>ļàţé</b>: {x}⟧");
    expect(pseudoTemplate("{0} has shape [{1}]")).toBe("⟦{0} ĥàš šĥàƥé [{1}]⟧");
    process.env.GRADLAB_PSEUDO_LOCALE = "1";
    try {
      expect(availableLocales(dir)).toContain(PSEUDO_LOCALE);
      expect(resolveLocale({ acceptLanguage: "en-XA" }, availableLocales(dir))).toBe(PSEUDO_LOCALE);
      expect(resolveLocale({ acceptLanguage: "en-US" }, availableLocales(dir))).toBe("en");
    } finally {
      delete process.env.GRADLAB_PSEUDO_LOCALE;
    }
  });
});

describe("choosing the language", () => {
  const available = ["en", "zh-CN"];
  it("reads Accept-Language by quality, exact tags first, then the language", () => {
    expect(negotiateLocale("zh-CN,zh;q=0.9,en;q=0.8", available)).toBe("zh-CN");
    expect(negotiateLocale("en-US,en;q=0.9", available)).toBe("en");
    expect(negotiateLocale("zh-TW", available)).toBe("zh-CN");
    expect(negotiateLocale("fr;q=0.9,zh;q=0.5", available)).toBe("zh-CN");
    expect(negotiateLocale("en;q=0.4,zh-cn;q=0.6", available)).toBe("zh-CN");
    expect(negotiateLocale("fr, de", available)).toBeNull();
    expect(negotiateLocale("zh;q=0", available)).toBeNull();
  });
  it("prefers the saved choice, then the cookie, then the browser, then English", () => {
    expect(resolveLocale({ saved: "en", cookie: "zh-CN", acceptLanguage: "zh-CN" }, available)).toBe("en");
    expect(resolveLocale({ saved: null, cookie: "zh-cn", acceptLanguage: "en" }, available)).toBe("zh-CN");
    expect(resolveLocale({ saved: "xx", cookie: "yy", acceptLanguage: "zh" }, available)).toBe("zh-CN");
    expect(resolveLocale({}, available)).toBe("en");
  });
});
