/**
 * The admin side of LTI (Admin → LTI, app/admin/lti): registered platforms (add, edit, remove),
 * GradLab's own values to paste into an LMS, its signing key (rotate) and one-time dynamic
 * registration links. Admins only; bodies are zod-checked and a refusal names each wrong field.
 */
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client.ts";
import { ltiPlatforms, ltiToolKeys } from "../../db/schema.ts";
import { db, HttpError, type SessionUser } from "../context.ts";
import { createRegistrationLink, listRegistrationLinks, toolUrls } from "./dynamic-registration.ts";
import { rotateKey } from "./keys.ts";
import { toolBaseUrl } from "./login.ts";
import { findPlatform, listPlatforms, PlatformInput, platformById, type Platform } from "./platforms.ts";

function adminOnly(user: SessionUser): void {
  if (user.role !== "admin") throw new HttpError(403, "Only admins may manage LMS platforms.");
}

/** A refused platform form: the English summary and, per field, what is wrong (the page shows it translated by field). */
function invalid(error: z.ZodError): Response {
  const fields: Record<string, string> = {};
  for (const i of error.issues) fields[String(i.path[0] ?? "body")] ??= i.message;
  return Response.json({ error: `Invalid platform: ${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join("; ")}.`, fields }, { status: 400, headers: { "Cache-Control": "no-store" } });
}

/** Deployment ids as the form sends them: a list, or one per line / comma-separated. */
const PlatformForm = z.preprocess((v) => {
  if (v && typeof v === "object" && typeof (v as { deploymentIds?: unknown }).deploymentIds === "string") {
    return { ...v, deploymentIds: ((v as { deploymentIds: string }).deploymentIds.split(/[\s,]+/) as string[]).filter(Boolean) };
  }
  return v;
}, PlatformInput);

export interface LtiOverview {
  platforms: Platform[];
  tool: ReturnType<typeof toolUrls>;
  keys: { kid: string; createdAt: number; retired: boolean; publishUntil: number | null }[];
  links: { createdAt: number; expiresAt: number; usedAt: number | null; platformId: string | null }[];
}

export function overview(db: Db, user: SessionUser, baseUrl: string): LtiOverview {
  adminOnly(user);
  const keys = db.select({ kid: ltiToolKeys.kid, createdAt: ltiToolKeys.createdAt, retiredAt: ltiToolKeys.retiredAt, publishUntil: ltiToolKeys.publishUntil }).from(ltiToolKeys).orderBy(desc(ltiToolKeys.createdAt)).all();
  const now = Date.now();
  return {
    platforms: listPlatforms(db),
    tool: toolUrls(baseUrl),
    keys: keys.filter((k) => !k.retiredAt || (k.publishUntil?.getTime() ?? 0) > now).map((k) => ({ kid: k.kid, createdAt: k.createdAt.getTime(), retired: !!k.retiredAt, publishUntil: k.publishUntil?.getTime() ?? null })),
    links: listRegistrationLinks(db).map((l) => ({ createdAt: l.createdAt.getTime(), expiresAt: l.expiresAt.getTime(), usedAt: l.usedAt?.getTime() ?? null, platformId: l.platformId })),
  };
}

/** A new platform (201), or 409 when the issuer + client id is registered already (edit that one). */
export function addPlatform(db: Db, user: SessionUser, body: unknown): Response {
  adminOnly(user);
  const parsed = PlatformForm.safeParse(body);
  if (!parsed.success) return invalid(parsed.error);
  const p = parsed.data;
  if (findPlatform(db, p.issuer, p.clientId)) throw new HttpError(409, `A platform with issuer ${p.issuer} and client id ${p.clientId} is registered already: edit it instead.`);
  const row: Platform = { id: crypto.randomUUID(), ...p, deploymentIds: [...new Set(p.deploymentIds)], createdAt: new Date() };
  db.insert(ltiPlatforms).values(row).run();
  return Response.json(row, { status: 201, headers: { "Cache-Control": "no-store" } });
}

/** Replaces a platform's values (its deployments as given: an edit may remove one). */
export function editPlatform(db: Db, user: SessionUser, id: string, body: unknown): Response {
  adminOnly(user);
  const existing = platformById(db, id);
  if (!existing) throw new HttpError(404, `No platform ${id}: it may have been removed.`);
  const parsed = PlatformForm.safeParse(body);
  if (!parsed.success) return invalid(parsed.error);
  const p = parsed.data;
  const clash = findPlatform(db, p.issuer, p.clientId);
  if (clash && clash.id !== id) throw new HttpError(409, `Another platform has issuer ${p.issuer} and client id ${p.clientId}.`);
  const set = { ...p, deploymentIds: [...new Set(p.deploymentIds)] };
  db.update(ltiPlatforms).set(set).where(eq(ltiPlatforms.id, id)).run();
  return Response.json({ ...existing, ...set }, { headers: { "Cache-Control": "no-store" } });
}

/** Removes a platform: its launches stop; its courses and accounts stay (their LTI links go with it). */
export function removePlatform(db: Db, user: SessionUser, id: string): { removed: string } {
  adminOnly(user);
  const existing = platformById(db, id);
  if (!existing) throw new HttpError(404, `No platform ${id}: it may have been removed already.`);
  db.delete(ltiPlatforms).where(eq(ltiPlatforms.id, id)).run();
  return { removed: id };
}

export async function rotate(db: Db, user: SessionUser, body: unknown): Promise<{ kid: string; retired: string[] }> {
  adminOnly(user);
  const b = z.object({ graceDays: z.coerce.number().min(0, "must be 0 or more days").max(365, "must be at most 365 days").optional() }).safeParse(body ?? {});
  if (!b.success) throw new HttpError(400, `graceDays ${b.error.issues[0].message}.`);
  return rotateKey(db, b.data.graceDays);
}

export function newRegistrationLink(db: Db, user: SessionUser, baseUrl: string): { url: string; expiresAt: number } {
  adminOnly(user);
  const link = createRegistrationLink(db, user.id, baseUrl);
  return { url: link.url, expiresAt: link.expiresAt.getTime() };
}

/** What server/lti/index.ts publishes as `lti.admin`. */
export const adminApi = {
  /** GradLab's base URL as seen in a request (GRADLAB_BASE_URL wins). */
  baseUrl: toolBaseUrl,
  overview: (user: SessionUser, baseUrl: string) => overview(db, user, baseUrl),
  add: (user: SessionUser, body: unknown) => addPlatform(db, user, body),
  edit: (user: SessionUser, id: string, body: unknown) => editPlatform(db, user, id, body),
  remove: (user: SessionUser, id: string) => removePlatform(db, user, id),
  rotateKey: (user: SessionUser, body: unknown) => rotate(db, user, body),
  newRegistrationLink: (user: SessionUser, baseUrl: string) => newRegistrationLink(db, user, baseUrl),
};
