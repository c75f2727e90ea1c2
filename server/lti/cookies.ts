/**
 * The state cookie that binds an LTI login to the browser that started it. The launch is a
 * cross-site form_post from the LMS, so the cookie must be SameSite=None, which browsers accept
 * only with Secure. Browsers treat http://localhost as secure, so Secure works there too; on a
 * plain-http host that is not localhost no browser would store it: we fall back to SameSite=Lax
 * (launches then work only when the LMS is on the same site) and docs/lti.md says to use https.
 */
export const STATE_COOKIE = "gradlab-lti-state";
/** How long a login may take before its launch is refused. */
export const STATE_TTL_MS = 10 * 60_000;

export function stateCookieAttributes(baseUrl: string): string {
  const u = new URL(baseUrl);
  const local = u.hostname === "localhost" || u.hostname === "127.0.0.1" || u.hostname === "[::1]";
  const sameSite = u.protocol === "https:" || local ? "SameSite=None; Secure" : "SameSite=Lax";
  return `Path=/api/lti/; HttpOnly; ${sameSite}; Max-Age=${STATE_TTL_MS / 1000}`;
}

export function setStateCookie(state: string, baseUrl: string): string {
  return `${STATE_COOKIE}=${state}; ${stateCookieAttributes(baseUrl)}`;
}

export function clearStateCookie(baseUrl: string): string {
  return `${STATE_COOKIE}=; ${stateCookieAttributes(baseUrl).replace(/Max-Age=\d+/, "Max-Age=0")}`;
}

export function readCookie(header: string | null, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return null;
}
