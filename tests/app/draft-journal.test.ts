/**
 * The editor's local journal decides which copy of the learner's code the page opens with: the
 * newer of the server's draft and this browser's, offering the other. (The browser paths — blocked
 * save, expired session, reload before the autosave — are in tests/e2e/drafts.test.ts.)
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chooseStart, keepCopy, loadIntoEditor, MAX_KEPT, readEntry, readKept, writeEntry, type JournalEntry } from "../../app/_components/draft-journal.ts";

const STARTER = "// starter";

describe("chooseStart", () => {
  const server = { code: "server v2", rev: 2_000 };

  it("opens the server's draft (or the starter) when the journal has nothing the server lacks", () => {
    expect(chooseStart(null, null, STARTER)).toEqual({ code: STARTER, source: "starter" });
    expect(chooseStart(server, null, STARTER)).toEqual({ code: "server v2", source: "server" });
    const same: JournalEntry = { code: "server v2", editedAt: 5_000, baseRev: 1_000, saved: false };
    expect(chooseStart(server, same, STARTER)).toEqual({ code: "server v2", source: "server" });
    // Saved at rev 1000; another device saved rev 2000 since: the server's is newer, nothing to offer.
    const saved: JournalEntry = { code: "server v1", editedAt: 900, baseRev: 1_000, saved: true };
    expect(chooseStart(server, saved, STARTER)).toEqual({ code: "server v2", source: "server" });
  });

  it("opens this browser's unsaved edits when the server has not changed since, offering the server's copy", () => {
    // A failed save, an expired session, or a tab closed before the autosave: edited after rev 2000.
    const entry: JournalEntry = { code: "local edits", editedAt: 1_500, baseRev: 2_000, saved: false };
    const c = chooseStart(server, entry, STARTER);
    expect(c.code).toBe("local edits");
    expect(c.source).toBe("local");
    expect(c.other).toEqual({ code: "server v2", source: "server", at: 2_000 });
    // Even when this browser's clock is behind the server's: the revision decides, not the clock.
    expect(chooseStart(server, { ...entry, editedAt: 1 }, STARTER).code).toBe("local edits");
  });

  it("opens unsaved edits over the starter when the server has no draft", () => {
    const c = chooseStart(null, { code: "typed", editedAt: 10, baseRev: null, saved: false }, STARTER);
    expect(c).toMatchObject({ code: "typed", source: "local", other: { code: STARTER, source: "starter" } });
  });

  it("when both changed since, opens the later edit and offers the other", () => {
    const older: JournalEntry = { code: "local", editedAt: 1_800, baseRev: 1_000, saved: false };
    expect(chooseStart(server, older, STARTER)).toMatchObject({ code: "server v2", source: "server", other: { code: "local", source: "local", at: 1_800 } });
    const newer: JournalEntry = { ...older, editedAt: 2_500 };
    expect(chooseStart(server, newer, STARTER)).toMatchObject({ code: "local", source: "local", other: { code: "server v2", source: "server" } });
  });
});

describe("journal storage", () => {
  const store = new Map<string, string>();
  beforeEach(() => {
    store.clear();
    (globalThis as { localStorage?: unknown }).localStorage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    };
  });
  afterEach(() => delete (globalThis as { localStorage?: unknown }).localStorage);

  it("keeps one entry per user and exercise and drops the old shared per-exercise copy", () => {
    store.set("gradlab:draft:dense", "someone else's code");
    const e: JournalEntry = { code: "mine", editedAt: 1, baseRev: null, saved: false };
    expect(writeEntry("u1", "dense", e)).toBe(true);
    expect(readEntry("u1", "dense")).toEqual(e);
    expect(readEntry("u2", "dense")).toBeNull();
    expect(readEntry("u1", "conv2d")).toBeNull();
    expect(store.has("gradlab:draft:dense")).toBe(false);
  });

  it("ignores a corrupt entry and reports a refused write", () => {
    store.set("gradlab:journal:v1:u1:dense", "{not json");
    expect(readEntry("u1", "dense")).toBeNull();
    store.set("gradlab:journal:v1:u1:dense", JSON.stringify({ code: 3 }));
    expect(readEntry("u1", "dense")).toBeNull();
    (globalThis as unknown as { localStorage: { setItem: () => void } }).localStorage.setItem = () => {
      throw new DOMException("quota", "QuotaExceededError");
    };
    expect(writeEntry("u1", "dense", { code: "x", editedAt: 1, baseRev: null, saved: false })).toBe(false);
  });

  it("keeps at most MAX_KEPT replaced copies, newest first, without repeating the newest", () => {
    for (let i = 0; i < MAX_KEPT + 2; i++) keepCopy("u1", "dense", `v${i}`, `r${i}`, i);
    keepCopy("u1", "dense", `v${MAX_KEPT + 1}`, "again", 99);
    const kept = readKept("u1", "dense");
    expect(kept.map((k) => k.code)).toEqual([...Array(MAX_KEPT)].map((_, i) => `v${MAX_KEPT + 1 - i}`));
  });

  it("loading an attempt keeps the code the editor would have shown, and the page then opens the attempt", () => {
    const server = { code: "server draft", rev: 100 };
    writeEntry("u1", "dense", { code: "unsaved edits", editedAt: 150, baseRev: 100, saved: false });
    loadIntoEditor("u1", "dense", "attempt code", "attempt #2", server, STARTER, 200);
    expect(readKept("u1", "dense")[0]).toEqual({ code: "unsaved edits", keptAt: 200, reason: "before loading attempt #2" });
    const c = chooseStart(server, readEntry("u1", "dense"), STARTER);
    expect(c).toMatchObject({ code: "attempt code", source: "local", origin: "attempt #2" });
  });
});
