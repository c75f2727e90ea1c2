// The exercise page's wait for a verdict (app/_components/wait-for-verdict.ts): long polls with the
// status it knows, falls back to polling the plain GET with growing pauses when the long poll
// fails, honours Retry-After, and stops at once on a refusal. A scripted fetch and a recorded sleep.
import { describe, expect, it } from "vitest";
import { backoffMs, SubmissionWaitError, waitForVerdict } from "../../app/_components/wait-for-verdict.ts";

type Step = { status: number; body?: unknown; headers?: Record<string, string> } | "network-error";

function scripted(steps: Step[]) {
  const urls: string[] = [];
  const pauses: number[] = [];
  const fetch = (async (input: string) => {
    urls.push(String(input));
    const s = steps.shift();
    if (!s) throw new Error("no more answers scripted");
    if (s === "network-error") throw new TypeError("Failed to fetch");
    return new Response(JSON.stringify(s.body ?? {}), { status: s.status, headers: s.headers });
  }) as unknown as typeof globalThis.fetch;
  return { urls, pauses, opts: { fetch, sleep: async (ms: number) => void pauses.push(ms), serverAnswered: (n: number) => `the server answered ${n}` } };
}

const result = { exercise: "dense", score: 10, maxScore: 10, status: "passed", tests: [], stdout: "", durationMs: 1 };

describe("waitForVerdict", () => {
  it("long polls with the status it knows, reports the change, and returns the verdict", async () => {
    const { urls, pauses, opts } = scripted([
      { status: 200, body: { status: "queued", result: null } },
      { status: 200, body: { status: "running", result: null } },
      { status: 200, body: { status: "done", result } },
    ]);
    const seen: string[] = [];
    const s = await waitForVerdict("s1", { ...opts, onStatus: (st) => seen.push(st) });
    expect(s).toEqual({ status: "done", result });
    expect(seen).toEqual(["running"]);
    expect(urls).toEqual(["/api/submissions/s1/wait?known=queued", "/api/submissions/s1/wait?known=queued", "/api/submissions/s1/wait?known=running"]);
    expect(pauses).toEqual([]);
  });

  it("returns a withheld verdict's release time (exam mode)", async () => {
    const { opts } = scripted([{ status: 200, body: { status: "done", result: null, feedbackAt: 1234 } }]);
    expect(await waitForVerdict("s1", opts)).toEqual({ status: "done", result: null, feedbackAt: 1234 });
  });

  it("after a failed long poll, polls the plain GET with growing pauses", async () => {
    const { urls, pauses, opts } = scripted([
      "network-error",
      { status: 200, body: { status: "queued", result: null } },
      { status: 502, body: {} },
      { status: 200, body: { status: "running", result: null } },
      { status: 200, body: { status: "running", result: null } },
      { status: 200, body: { status: "done", result } },
    ]);
    expect((await waitForVerdict("s1", opts)).result).toEqual(result);
    expect(urls[0]).toBe("/api/submissions/s1/wait?known=queued");
    expect(urls.slice(1)).toEqual(Array(5).fill("/api/submissions/s1"));
    expect(pauses).toEqual([backoffMs(1), backoffMs(2), backoffMs(1), backoffMs(4), backoffMs(5)]);
    expect(pauses.every((p) => p >= 1000 && p <= 10_000)).toBe(true);
  });

  it("waits as long as a busy server's Retry-After says before the next long poll", async () => {
    const { urls, pauses, opts } = scripted([
      { status: 200, body: { status: "queued", result: null }, headers: { "retry-after": "2" } },
      { status: 200, body: { status: "done", result } },
    ]);
    await waitForVerdict("s1", opts);
    expect(pauses).toEqual([2000]);
    expect(urls).toEqual(["/api/submissions/s1/wait?known=queued", "/api/submissions/s1/wait?known=queued"]);
  });

  it("stops at once on a refusal, with the server's message", async () => {
    const { urls, opts } = scripted([{ status: 404, body: { error: "no submission s1" } }]);
    const err = await waitForVerdict("s1", opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SubmissionWaitError);
    expect((err as SubmissionWaitError).message).toBe("no submission s1");
    expect((err as SubmissionWaitError).status).toBe(404);
    expect(urls).toHaveLength(1);
  });

  it("gives up after maxFailures failures in a row", async () => {
    const { urls, opts } = scripted(["network-error", { status: 503 }, "network-error"]);
    await expect(waitForVerdict("s1", { ...opts, maxFailures: 3 })).rejects.toThrow("Failed to fetch");
    expect(urls).toHaveLength(3);
  });
});
