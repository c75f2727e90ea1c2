/**
 * Every page sends its client components the next-intl namespaces they use, and only those
 * (app/_i18n/client-messages.tsx). Read from the source: a page's route (its segment layouts and
 * the page) is followed through its relative imports; a module with "use client" and everything it
 * imports runs in the browser, and each useTranslations("ns…") there needs `ns` in the messages the
 * root layout (LAYOUT_NAMESPACES) or the route's one <ClientMessages namespaces={[…]}> sends.
 * A namespace missing here is a key shown instead of its text in the browser (en and zh-CN alike).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { LAYOUT_NAMESPACES, pickMessages } from "../../app/_i18n/client-messages.tsx";

const ROOT = resolve(import.meta.dirname, "../..");
const APP = join(ROOT, "app");
const read = (f: string) => readFileSync(f, "utf8");

function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith(".")) return null;
  const base = resolve(dirname(from), spec);
  for (const c of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts")]) if (existsSync(c) && statSync(c).isFile()) return c;
  return null;
}

const importsOf = (f: string) =>
  [...read(f).matchAll(/(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)]
    .map((m) => resolveImport(f, (m[1] ?? m[2])!))
    .filter((x): x is string => x !== null && /\.tsx?$/.test(x));

const isClientModule = (f: string) => /^(\s*(\/\/[^\n]*\n|\/\*[\s\S]*?\*\/))*\s*["']use client["']/.test(read(f));

/** The top-level namespaces a module asks useTranslations for; a non-literal argument is reported as "?…". */
function namespacesUsed(f: string): string[] {
  return [...read(f).matchAll(/\buseTranslations\(([^)]*)\)/g)].map((m) => {
    const literal = /^\s*["']([^"']+)["']\s*$/.exec(m[1]!);
    return literal ? literal[1]!.split(".")[0]! : `?${m[1]}`;
  });
}

const withoutComments = (src: string) => src.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");

/** The namespaces each <ClientMessages namespaces={[...]}> in a module sends. */
const providedIn = (f: string) => [...withoutComments(read(f)).matchAll(/<ClientMessages\s+namespaces=\{\[([^\]]*)\]\}/g)].map((m) => [...m[1]!.matchAll(/["']([^"']+)["']/g)].map((x) => x[1]!));

interface Route {
  page: string;
  /** Client modules reached, each with the namespaces it uses. */
  client: Map<string, string[]>;
  /** One entry per <ClientMessages> on the route. */
  provided: string[][];
}

function route(page: string): Route {
  const layouts: string[] = [];
  for (let d = dirname(page); d.startsWith(APP) && d !== APP; d = dirname(d)) if (existsSync(join(d, "layout.tsx"))) layouts.push(join(d, "layout.tsx"));
  const client = new Map<string, string[]>();
  const provided: string[][] = [];
  const seen = new Set<string>();
  const visit = (f: string, inBrowser: boolean) => {
    const browser = inBrowser || isClientModule(f);
    const key = `${f}:${browser}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (browser) client.set(f, namespacesUsed(f));
    else provided.push(...providedIn(f));
    for (const i of importsOf(f)) visit(i, browser);
  };
  for (const f of [...layouts, page]) visit(f, false);
  return { page, client, provided };
}

function pages(dir = APP): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? pages(p) : e === "page.tsx" ? [p] : [];
  });
}

const messagesEn = Object.fromEntries(
  readdirSync(join(ROOT, "messages", "en")).filter((f) => f.endsWith(".json")).map((f) => [f.replace(/\.json$/, ""), JSON.parse(read(join(ROOT, "messages", "en", f))) as unknown]),
);

describe("the messages each page sends its client components", () => {
  const all = pages();
  it("finds the pages and their client components", () => {
    expect(all.length).toBeGreaterThan(15);
    const exercise = route(join(APP, "exercises", "[id]", "page.tsx"));
    expect([...exercise.client.keys()].map((f) => relative(ROOT, f))).toContain("app/_components/Workbench.tsx");
  });

  for (const page of all) {
    const name = relative(APP, page);
    it(`${name}: every namespace its client components use is sent`, () => {
      const r = route(page);
      expect(r.provided.length, `${name}: more than one <ClientMessages> on the route (the inner one would hide the outer's messages)`).toBeLessThanOrEqual(1);
      const sent = new Set<string>([...LAYOUT_NAMESPACES, ...(r.provided[0] ?? [])]);
      const missing = [...r.client].flatMap(([f, used]) => used.filter((ns) => !sent.has(ns)).map((ns) => `${relative(ROOT, f)} uses "${ns}"`));
      expect(missing, `${name}: add them to its <ClientMessages namespaces> (or give useTranslations a literal namespace)`).toEqual([]);
      for (const ns of sent) expect(messagesEn, `${name} sends "${ns}", which messages/en does not have`).toHaveProperty(ns);
    });
  }

  it("the exercise page sends a small part of the messages", () => {
    const r = route(join(APP, "exercises", "[id]", "page.tsx"));
    const sent = JSON.stringify(pickMessages(messagesEn as never, [...LAYOUT_NAMESPACES, ...(r.provided[0] ?? [])])).length;
    const everything = JSON.stringify(messagesEn).length;
    expect(sent).toBeLessThan(everything / 3);
  });
});

describe("pickMessages", () => {
  it("keeps only the named top-level namespaces", () => {
    expect(pickMessages({ a: { x: "1" }, b: "2", c: { y: "3" } }, ["a", "c", "missing"])).toEqual({ a: { x: "1" }, c: { y: "3" } });
  });
});
