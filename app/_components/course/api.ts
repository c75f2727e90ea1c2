/** The course pages' calls to the course API: JSON in, JSON out, the server's message on a 4xx. */
export async function sendJson<T = unknown>(url: string, method: string, body: unknown): Promise<{ ok: true; data: T } | { ok: false; status: number; error: string; data: Record<string, unknown> }> {
  const res = await fetch(url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body ?? {}) });
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (res.ok) return { ok: true, data: data as T };
  return { ok: false, status: res.status, error: typeof data.error === "string" ? data.error : `HTTP ${res.status}`, data };
}
