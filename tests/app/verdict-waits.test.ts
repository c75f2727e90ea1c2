// server/verdict-waits.ts: every waiting request is served by one shared status query; waits end
// on a change, at their deadline, or when the client leaves; per-user and global caps answer "busy".
// Driven by explicit check() calls (no watch folder, a fallback far in the future): no timing.
import { afterEach, describe, expect, it } from "vitest";
import { VerdictWaits, type WaitStatus } from "../../server/verdict-waits.ts";

function fixture(opts: { maxPerUser?: number; maxWaiters?: number } = {}) {
  const statuses = new Map<string, WaitStatus>();
  const queries: string[][] = [];
  const waits = new VerdictWaits({
    statuses: (ids) => {
      queries.push([...ids].sort());
      return new Map([...statuses].filter(([id]) => ids.includes(id)));
    },
    fallbackMs: 3_600_000,
    nudgeMs: 3_600_000,
    ...opts,
  });
  return { statuses, queries, waits };
}

let open: VerdictWaits[] = [];
afterEach(() => {
  for (const w of open) w.close();
  open = [];
});

describe("VerdictWaits", () => {
  it("ends the waits whose status changed, with one query for every waiting request", async () => {
    const { statuses, queries, waits } = fixture();
    open.push(waits);
    statuses.set("a", "queued").set("b", "queued").set("c", "running");
    const a = waits.wait("u1", "a", "queued", 60_000);
    const a2 = waits.wait("u2", "a", "queued", 60_000);
    const b = waits.wait("u1", "b", "queued", 60_000);
    const c = waits.wait("u3", "c", "running", 60_000);
    expect(waits.waiting).toBe(4);
    statuses.set("a", "done").set("c", "done");
    waits.check();
    expect(queries).toEqual([["a", "b", "c"]]);
    expect(await a).toBe("changed");
    expect(await a2).toBe("changed");
    expect(await c).toBe("changed");
    expect(waits.waiting).toBe(1);
    statuses.set("b", "running");
    waits.check();
    expect(queries.at(-1)).toEqual(["b"]);
    expect(await b).toBe("changed");
    expect(waits.waiting).toBe(0);
    // Nobody waits: no query at all.
    waits.check();
    expect(queries).toHaveLength(2);
  });

  it("a submission that vanished ends its waits (the route then answers 404)", async () => {
    const { waits } = fixture();
    open.push(waits);
    const gone = waits.wait("u1", "nope", "queued", 60_000);
    waits.check();
    expect(await gone).toBe("changed");
  });

  it("ends a wait at its deadline and when the client goes away", async () => {
    const { statuses, waits } = fixture();
    open.push(waits);
    statuses.set("a", "queued");
    expect(await waits.wait("u1", "a", "queued", 0)).toBe("timeout");
    const client = new AbortController();
    const left = waits.wait("u1", "a", "queued", 60_000, client.signal);
    expect(waits.waiting).toBe(1);
    client.abort();
    expect(await left).toBe("aborted");
    expect(waits.waiting).toBe(0);
    const gone = new AbortController();
    gone.abort();
    expect(await waits.wait("u1", "a", "queued", 60_000, gone.signal)).toBe("aborted");
    expect(waits.waiting).toBe(0);
  });

  it("answers busy past a user's share and past the server's cap, and frees the share when a wait ends", async () => {
    const { statuses, waits } = fixture({ maxPerUser: 2, maxWaiters: 3 });
    open.push(waits);
    statuses.set("a", "queued").set("b", "queued");
    const c1 = new AbortController();
    const first = waits.wait("u1", "a", "queued", 60_000, c1.signal);
    void waits.wait("u1", "b", "queued", 60_000);
    expect(await waits.wait("u1", "a", "queued", 60_000)).toBe("busy");
    // Another user still gets a wait, up to the server's cap.
    void waits.wait("u2", "a", "queued", 60_000);
    expect(await waits.wait("u3", "a", "queued", 60_000)).toBe("busy");
    c1.abort();
    expect(await first).toBe("aborted");
    const again = waits.wait("u1", "a", "queued", 60_000);
    expect(waits.waiting).toBe(3);
    waits.close();
    expect(await again).toBe("timeout");
    expect(waits.waiting).toBe(0);
  });

  it("a nudge runs a check (a database write seen by the folder watch)", async () => {
    const statuses = new Map<string, WaitStatus>([["a", "queued"]]);
    let checks = 0;
    const waits = new VerdictWaits({ statuses: (ids) => (checks++, new Map([...statuses].filter(([id]) => ids.includes(id)))), fallbackMs: 3_600_000, nudgeMs: 0 });
    open.push(waits);
    const a = waits.wait("u1", "a", "queued", 60_000);
    statuses.set("a", "done");
    waits.nudge();
    expect(await a).toBe("changed");
    expect(checks).toBeGreaterThanOrEqual(1);
  });
});
