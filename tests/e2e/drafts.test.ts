/**
 * Nothing the learner types is lost, in real Chromium against the real server: a draft save the
 * network refuses, a session that ends mid-edit (then signing in again), a reload or a closed tab
 * right after typing (before the autosave reached the server), and the history page's "load this attempt into the editor"
 * (the code you had stays one click away) with times in the course's or the learner's zone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatInTimeZone } from "date-fns-tz";
import type { Browser, BrowserContext, Page, Route } from "playwright-core";
import { ARTIFACTS, haveChromium, launchChromium, ROOT, type Server, signIn, startServer, typeCode } from "./server.ts";

const STARTER = readFileSync(join(ROOT, "exercises/03-layers/dense/starter.ts"), "utf8");
const LEARNER_ZONE = "America/Los_Angeles";
const COURSE_ZONE = "Asia/Kolkata";
const TIME_FORMAT = "yyyy-MM-dd HH:mm:ss zzz";

const run = haveChromium() || process.env.CI ? describe : describe.skip;

let server: Server;
let browser: Browser;

const editorValue = (page: Page) => page.evaluate(() => (window as unknown as { __gradlabEditor?: { getValue(): string } }).__gradlabEditor?.getValue() ?? null);

/** Type `code` into Monaco as a learner would (select all, then type), unchanged by auto-indent. */

/** Wait until the (new) page's editor holds `code`. */
async function editorShows(page: Page, code: string) {
  await page.waitForSelector(".monaco-editor .view-lines", { timeout: 60_000 });
  await expect.poll(() => editorValue(page), { timeout: 30_000 }).toBe(code);
}

const savedText = (page: Page) => page.textContent('[data-testid="saved"]');

/** This browser's journal entry for the exercise (app/_components/draft-journal.ts), written on every edit. */
const journal = (page: Page) =>
  page.evaluate(() => {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i)!;
      if (/^gradlab:journal:v1:.+:dense$/.test(key)) return JSON.parse(localStorage.getItem(key)!) as { code: string; saved: boolean };
    }
    return null;
  });

/**
 * Hold the page's draft saves at the network, so the autosave cannot reach the server however
 * late it runs (no race with its 800 ms timer). After `release`, new requests (the last save as
 * the page goes) pass; the held ones end with the page.
 */
async function holdDraftSaves(page: Page): Promise<{ release(): Promise<void> }> {
  await page.route("**/api/drafts/**", () => {});
  return { release: () => page.unrouteAll({ behavior: "ignoreErrors" }) };
}

async function learnerPage(who = server.accounts.get("learner")!): Promise<{ ctx: BrowserContext; page: Page; dialogs: string[] }> {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 }, timezoneId: LEARNER_ZONE });
  const page = await ctx.newPage();
  const dialogs: string[] = [];
  // Leaving with unsaved edits asks first; the tests record the question and leave anyway.
  page.on("dialog", (d) => {
    dialogs.push(d.type());
    void d.accept();
  });
  await signIn(page, server, who, "/exercises/dense");
  await page.waitForSelector(".monaco-editor .view-lines", { timeout: 60_000 });
  return { ctx, page, dialogs };
}

/** The learner's draft as the server holds it, read in a context without this browser's journal. */
async function serverDraft(who = server.accounts.get("learner")!): Promise<string | null> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, server, who, "/exercises/dense");
  await page.waitForSelector(".monaco-editor .view-lines", { timeout: 60_000 });
  await expect.poll(() => editorValue(page), { timeout: 30_000 }).not.toBeNull();
  const code = await editorValue(page);
  await ctx.close();
  return code;
}

const plainValue = (page: Page) => page.locator('[data-testid="plain-editor"]').inputValue();

/** Type `text` at the end of the plain editor's text, as a learner would before the page hydrates. */
async function typeAtEndOfPlainEditor(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid="plain-editor"]').click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type(text);
}
const hydrated = (page: Page) => page.evaluate(() => document.querySelector(".workbench[data-hydrated]") !== null);

/**
 * Hold requests matching `pattern` at the network until `release` (then they and later ones pass),
 * or fail them all (`abort`).
 */
async function holdRequests(page: Page, pattern: string | RegExp): Promise<{ release(): Promise<void>; count(): number }> {
  const held: Route[] = [];
  let open = false;
  await page.route(pattern, (route) => (open ? route.continue() : void held.push(route)));
  return {
    count: () => held.length,
    release: async () => {
      open = true;
      for (const r of held.splice(0)) await r.continue();
    },
  };
}

/** Monaco's bundle (public/gradlab/monaco.<hash>/editor.js). */
const MONACO_JS = /\/gradlab\/monaco[^/]*\/editor\.js$/;
/** Next's client scripts: without them the page does not hydrate. */
const NEXT_JS = /\/_next\/static\/.*\.js$/;

run("drafts in Chromium", () => {
  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("a draft save the network refuses: the edits are kept, offered with a diff on reload, and saved once the network is back", async () => {
    const { ctx, page, dialogs } = await learnerPage();
    const saved = `${STARTER}\n// saved on the server\n`;
    await typeCode(page, saved);
    await expect.poll(() => savedText(page), { timeout: 30_000 }).toBe("Draft saved");

    await page.route("**/api/drafts/**", (route) => route.abort("internetdisconnected"));
    const edited = `${saved}// typed while the save is blocked\n`;
    await typeCode(page, edited);
    await expect.poll(() => savedText(page), { timeout: 30_000 }).toMatch(/^Not saved to the server \(no connection to the server\); kept in this browser, retrying$/);
    await page.screenshot({ path: join(ARTIFACTS, "draft-save-blocked.png") });

    await page.reload();
    expect(dialogs).toContain("beforeunload");
    await editorShows(page, edited);
    expect(await page.textContent('[data-testid="draft-banner-message"]')).toMatch(/^Restored edits kept in this browser \(last edited .+\) that had not reached the server\.$/);
    await page.click('[data-testid="draft-diff-toggle"]');
    const diff = (await page.textContent('[data-testid="draft-diff"]'))!;
    expect(diff).toContain("+ // typed while the save is blocked");
    expect(diff).not.toContain("- ");
    expect(diff).toMatch(/⋯ \d+ unchanged lines/); // only the change and its context, not the whole file
    await page.locator('[data-testid="draft-banner"]').screenshot({ path: join(ARTIFACTS, "draft-restored-diff.png") });

    // The network is back: the retry saves it, and a browser without this journal gets it from the server.
    await page.unroute("**/api/drafts/**");
    await expect.poll(() => savedText(page), { timeout: 60_000 }).toBe("Draft saved");
    expect(await serverDraft()).toBe(edited);

    // The server's copy is offered back, and taking it keeps this browser's in the banner.
    await page.click('[data-testid="draft-swap"]');
    await expect.poll(() => editorValue(page)).toBe(saved);
    expect(await page.textContent('[data-testid="draft-swap"]')).toBe("Use this browser's copy again");
    await page.click('[data-testid="draft-swap"]');
    await expect.poll(() => editorValue(page)).toBe(edited);
    await expect.poll(() => savedText(page), { timeout: 30_000 }).toBe("Draft saved");
    await ctx.close();
  }, 240_000);

  it("a session that ends mid-edit: signed out, the edits kept; signing in again brings them back", async () => {
    const { ctx, page } = await learnerPage();
    const before = `${STARTER}\n// before the session ended\n`;
    await typeCode(page, before);
    await expect.poll(() => savedText(page), { timeout: 30_000 }).toBe("Draft saved");

    await ctx.clearCookies();
    const edited = `${before}// typed while signed out\n`;
    await typeCode(page, edited);
    const alert = page.locator('[data-testid="signed-out"]');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toBe("Signed out — your edits are kept in this browser; sign in again and they will be here.");
    expect(await savedText(page)).toBe("Signed out; kept in this browser");
    await page.screenshot({ path: join(ARTIFACTS, "draft-signed-out.png") });

    await page.click('[data-testid="sign-in-again"]');
    await page.waitForURL((u) => u.pathname === "/sign-in" && u.searchParams.get("next") === "/exercises/dense");
    const who = server.accounts.get("learner")!;
    await page.fill('input[name="email"]', who.email);
    await page.fill('input[name="password"]', who.password);
    await page.click('button[type="submit"]');
    await page.waitForURL((u) => u.pathname === "/exercises/dense", { timeout: 20_000 });
    await editorShows(page, edited);
    await page.waitForSelector('[data-testid="draft-banner"]');
    await expect.poll(() => savedText(page), { timeout: 30_000 }).toBe("Draft saved");
    expect(await serverDraft()).toBe(edited);
    await ctx.close();
  }, 240_000);

  it("a reload right after typing (before the autosave reached the server) asks first and loses nothing", async () => {
    const { ctx, page, dialogs } = await learnerPage();
    const held = await holdDraftSaves(page);
    const edited = `${STARTER}\n// typed just before the reload ${Date.now()}\n`;
    await typeCode(page, edited);
    await expect.poll(() => journal(page), { timeout: 30_000 }).toMatchObject({ code: edited, saved: false });
    await held.release();
    await page.reload();
    expect(dialogs).toEqual(["beforeunload"]);
    await editorShows(page, edited);
    await expect.poll(() => savedText(page), { timeout: 30_000 }).toBe("Draft saved");
    expect(await serverDraft()).toBe(edited);
    await ctx.close();
  }, 240_000);

  it("closing the tab right after typing: the last save as the page goes (pagehide) reaches the server", async () => {
    const { ctx, page } = await learnerPage();
    const held = await holdDraftSaves(page);
    const edited = `${STARTER}\n// typed just before closing the tab ${Date.now()}\n`;
    await typeCode(page, edited);
    await expect.poll(() => journal(page), { timeout: 30_000 }).toMatchObject({ code: edited, saved: false });
    await held.release();
    const closed = page.waitForEvent("close");
    await page.close({ runBeforeUnload: true });
    await closed;
    // (Whether it asked is the reload test's check: on close, Playwright may report the page
    // closed before the dialog event reaches the test.)
    // Only the page's last save can have brought it: the autosave never got through, and a fresh
    // context has no journal to restore from.
    await expect.poll(() => serverDraft(), { timeout: 90_000, interval: 500 }).toBe(edited);
    await ctx.close();
  }, 240_000);

  it("the plain editor: typed before hydration and before Monaco, nothing is lost; Monaco takes the text and the caret", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: LEARNER_ZONE });
    const page = await ctx.newPage();
    await signIn(page, server, server.accounts.get("learner")!, "/");
    const scripts = await holdRequests(page, NEXT_JS);
    const monaco = await holdRequests(page, MONACO_JS);
    await page.goto(`${server.url}/exercises/dense`, { waitUntil: "commit" });
    const area = page.locator('[data-testid="plain-editor"]');
    await area.waitFor({ timeout: 30_000 });
    const start = await plainValue(page);
    expect(start.length).toBeGreaterThan(50);
    // Before React: the page's HTML alone.
    await expect.poll(() => scripts.count()).toBeGreaterThan(0);
    expect(await hydrated(page)).toBe(false);
    const early = "\n// typed before the page hydrated";
    await typeAtEndOfPlainEditor(page, early);
    expect(await hydrated(page)).toBe(false);

    await scripts.release();
    await expect.poll(() => hydrated(page), { timeout: 60_000 }).toBe(true);
    // Hydrated, Monaco still held: the edits go to the journal and the server from the plain editor.
    const meanwhile = "\n// typed before Monaco loaded\n";
    await page.keyboard.type(meanwhile);
    const text = start + early + meanwhile;
    expect(await plainValue(page)).toBe(text);
    await expect.poll(() => journal(page), { timeout: 30_000 }).toMatchObject({ code: text });
    await expect.poll(() => savedText(page), { timeout: 30_000 }).toBe("Draft saved");
    expect(await page.getAttribute('[data-testid="editor"]', "data-editor")).toBe("plain");
    expect(await page.textContent('[data-testid="plain-editor-note"]')).toBe("Loading the full editor… You can already read and edit your code here.");
    await page.screenshot({ path: join(ARTIFACTS, "exercise-page-plain-editor.png") });

    await monaco.release();
    await editorShows(page, text);
    expect(await page.getAttribute('[data-testid="editor"]', "data-editor")).toBe("monaco");
    await expect.poll(() => page.locator('[data-testid="plain-editor"]').count()).toBe(0);
    // The caret came along (end of the text) and the focus too: typing goes on where it was.
    await page.keyboard.type("// typed in Monaco");
    await expect.poll(() => editorValue(page)).toBe(`${text}// typed in Monaco`);
    await expect.poll(() => savedText(page), { timeout: 30_000 }).toBe("Draft saved");
    expect(await serverDraft()).toBe(`${text}// typed in Monaco`);
    await page.screenshot({ path: join(ARTIFACTS, "exercise-page-monaco.png") });
    await ctx.close();
  }, 240_000);

  it("typed while the page loads, over a newer copy in this browser: the typing stays in the editor, that copy is kept and one click away", async () => {
    const { ctx, page } = await learnerPage();
    await holdDraftSaves(page);
    const local = `${STARTER}\n// this browser's copy, not saved ${Date.now()}\n`;
    await typeCode(page, local);
    await expect.poll(() => journal(page), { timeout: 30_000 }).toMatchObject({ code: local, saved: false });

    // Another tab of the same browser, its scripts held: the page's own text (the server's draft) in the plain editor.
    const tab = await ctx.newPage();
    const scripts = await holdRequests(tab, NEXT_JS);
    await tab.goto(`${server.url}/exercises/dense`, { waitUntil: "commit" });
    const area = tab.locator('[data-testid="plain-editor"]');
    await area.waitFor({ timeout: 30_000 });
    const pageText = await plainValue(tab);
    expect(pageText).not.toBe(local);
    const early = "\n// typed while the page loaded";
    await typeAtEndOfPlainEditor(tab, early);
    expect(await hydrated(tab)).toBe(false);

    await scripts.release();
    await expect.poll(() => hydrated(tab), { timeout: 60_000 }).toBe(true);
    await expect.poll(() => tab.textContent('[data-testid="draft-banner-message"]'), { timeout: 30_000 }).toBe(
      "You typed before the page had finished loading: your typing is in the editor, and this browser's copy (newer than the page's text) is kept in this browser.",
    );
    await editorShows(tab, pageText + early);
    await expect.poll(() => journal(tab), { timeout: 30_000 }).toMatchObject({ code: pageText + early });
    // One click brings this browser's copy back, and one more the typing.
    expect(await tab.textContent('[data-testid="draft-swap"]')).toBe("Use this browser's copy instead");
    await tab.click('[data-testid="draft-swap"]');
    await expect.poll(() => editorValue(tab)).toBe(local);
    await tab.click('[data-testid="draft-swap"]');
    await expect.poll(() => editorValue(tab)).toBe(pageText + early);
    await ctx.close();
  }, 240_000);

  it("Monaco fails to load: the plain editor stays, says so, saves, and Ctrl+Enter runs from it", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: LEARNER_ZONE });
    const page = await ctx.newPage();
    await page.route(MONACO_JS, (route) => route.abort("failed"));
    await signIn(page, server, server.accounts.get("learner")!, "/exercises/dense");
    const note = page.locator('[data-testid="plain-editor-note"]');
    await expect.poll(() => note.textContent(), { timeout: 60_000 }).toMatch(/^The full editor could not load \(could not download \/gradlab\/monaco[^)]*\/editor\.js\)\. You can keep editing here: your code is saved as usual\.$/);
    expect(await note.getAttribute("role")).toBe("alert");
    const area = page.locator('[data-testid="plain-editor"]');
    await area.click();
    await page.keyboard.press("Control+A");
    await page.keyboard.insertText(STARTER);
    await page.keyboard.press("Control+End");
    // Tab indents by two spaces, as in Monaco.
    await page.keyboard.press("Tab");
    await page.keyboard.type("// without Monaco");
    const edited = `${STARTER}  // without Monaco`;
    expect(await plainValue(page)).toBe(edited);
    await expect.poll(() => savedText(page), { timeout: 30_000 }).toBe("Draft saved");
    expect(await serverDraft()).toBe(edited);

    // Ctrl+Enter in the plain editor runs (once Run is usable) and inserts nothing.
    await page.waitForSelector('[data-testid="run"]:not([disabled])', { timeout: 90_000 });
    await area.click();
    await page.keyboard.press("Control+Enter");
    await page.waitForSelector('[data-testid="results"]', { timeout: 90_000 });
    expect(await plainValue(page)).toBe(edited);
    await ctx.close();
  }, 240_000);

  it("history: times in the learner's zone; load an attempt into the editor, and put back the code you had", async () => {
    const who = server.accounts.get("learner")!;
    const token = server.cli("token", who.email);
    const attempt = `${STARTER}\n// the submitted attempt\n`;
    const sub = await fetch(`${server.url}/api/submissions`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ exerciseId: "dense", code: attempt }) });
    expect(sub.status).toBe(202);

    const { ctx, page } = await learnerPage();
    const current = `${STARTER}\n// what I am working on now\n`;
    await typeCode(page, current);
    await expect.poll(() => savedText(page), { timeout: 30_000 }).toBe("Draft saved");

    await page.goto(`${server.url}/exercises/dense/history`);
    await expect.poll(() => page.textContent('[data-testid="history-zone"]')).toBe(`Times are in your time zone, ${LEARNER_ZONE}.`);
    const time = page.locator('[data-testid="submitted-at"] time').first();
    await expect.poll(() => time.getAttribute("data-zone")).toBe(LEARNER_ZONE);
    const at = new Date((await time.getAttribute("datetime"))!);
    expect(await time.textContent()).toBe(formatInTimeZone(at, LEARNER_ZONE, TIME_FORMAT));
    await page.screenshot({ path: join(ARTIFACTS, "history-load-attempt.png"), fullPage: true });

    const n = await page.locator('[data-testid="submitted-at"]').count();
    await page.click('[data-testid="load-attempt"]');
    await page.waitForURL((u) => u.pathname === "/exercises/dense");
    await editorShows(page, attempt);
    expect(await page.textContent('[data-testid="draft-banner-message"]')).toBe(`Loaded attempt #${n} into the editor. The code you had is kept in this browser.`);
    await page.locator('[data-testid="draft-banner"]').screenshot({ path: join(ARTIFACTS, "draft-loaded-attempt.png") });
    await expect.poll(() => savedText(page), { timeout: 30_000 }).toBe("Draft saved");
    expect(await serverDraft()).toBe(attempt);

    await page.click('[data-testid="draft-swap"]');
    await expect.poll(() => editorValue(page)).toBe(current);
    await expect.poll(() => savedText(page), { timeout: 30_000 }).toBe("Draft saved");
    await ctx.close();
  }, 240_000);

  it("history: times in the course's zone when the exercise is set in the learner's course", async () => {
    const admin = server.cli("token", server.accounts.get("admin")!.email);
    const api = async (method: string, path: string, body: unknown, token = admin) => {
      const r = await fetch(`${server.url}${path}`, { method, headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
      expect(r.status, `${method} ${path}: ${await r.clone().text()}`).toBeLessThan(300);
      return (await r.json()) as { id: string };
    };
    const course = await api("POST", "/api/courses", { title: "Zones", timeZone: COURSE_ZONE });
    server.cli("user", "add", "zoned@example.com", "--role", "learner", "--password", "zoned-learner-pw-1");
    await api("PUT", `/api/courses/${course.id}/members`, { email: "zoned@example.com", role: "learner" });
    await api("POST", `/api/courses/${course.id}/assignments`, { title: "Layers", exerciseIds: ["dense"] });
    const token = server.cli("token", "zoned@example.com");
    await api("POST", "/api/submissions", { exerciseId: "dense", code: `${STARTER}\n// in the course\n` }, token);

    const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 }, timezoneId: LEARNER_ZONE });
    const page = await ctx.newPage();
    await signIn(page, server, { email: "zoned@example.com", password: "zoned-learner-pw-1" }, "/exercises/dense/history");
    expect(await page.textContent('[data-testid="history-zone"]')).toBe(`Times are in the course's time zone, ${COURSE_ZONE}.`);
    const time = page.locator('[data-testid="submitted-at"] time').first();
    expect(await time.getAttribute("data-zone")).toBe(COURSE_ZONE);
    expect(await time.textContent()).toBe(formatInTimeZone(new Date((await time.getAttribute("datetime"))!), COURSE_ZONE, TIME_FORMAT));
    await ctx.close();
  }, 120_000);
});
