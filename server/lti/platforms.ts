/**
 * LMS platforms registered with GradLab (admin API and `gradlab lti add-platform`): the issuer and
 * client id a launch is checked against, where logins go (auth endpoint), where the platform's
 * keys are (JWKS URL) and the deployment ids accepted.
 */
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client.ts";
import { ltiPlatforms } from "../../db/schema.ts";
import { LtiError } from "./errors.ts";

export type Platform = typeof ltiPlatforms.$inferSelect;

const httpUrl = (what: string) =>
  z.string().trim().refine((s) => {
    try {
      return ["https:", "http:"].includes(new URL(s).protocol);
    } catch {
      return false;
    }
  }, `${what} must be an http(s) URL`);

export const PlatformInput = z.object({
  issuer: httpUrl("issuer"),
  clientId: z.string().trim().min(1, "clientId is required (the client id the platform gave GradLab)"),
  authEndpoint: httpUrl("authEndpoint"),
  tokenEndpoint: httpUrl("tokenEndpoint"),
  jwksUrl: httpUrl("jwksUrl"),
  deploymentIds: z.array(z.string().trim().min(1)).min(1, "deploymentIds needs at least one deployment id"),
});
export type PlatformInput = z.infer<typeof PlatformInput>;

/** Registers a platform (or adds deployment ids and updates the endpoints of the same issuer + client id). */
export function registerPlatform(db: Db, input: unknown): Platform {
  const parsed = PlatformInput.safeParse(input);
  if (!parsed.success) throw new LtiError(400, "bad_platform", `Invalid platform registration: ${parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}.`);
  const p = parsed.data;
  const existing = findPlatform(db, p.issuer, p.clientId);
  if (existing) {
    const deploymentIds = [...new Set([...existing.deploymentIds, ...p.deploymentIds])];
    db.update(ltiPlatforms).set({ authEndpoint: p.authEndpoint, tokenEndpoint: p.tokenEndpoint, jwksUrl: p.jwksUrl, deploymentIds }).where(eq(ltiPlatforms.id, existing.id)).run();
    return { ...existing, ...p, deploymentIds };
  }
  const row: Platform = { id: randomUUID(), ...p, deploymentIds: [...new Set(p.deploymentIds)], createdAt: new Date() };
  db.insert(ltiPlatforms).values(row).run();
  return row;
}

export function listPlatforms(db: Db): Platform[] {
  return db.select().from(ltiPlatforms).orderBy(ltiPlatforms.createdAt).all();
}

export function findPlatform(db: Db, issuer: string, clientId?: string): Platform | undefined {
  const rows = db.select().from(ltiPlatforms).where(clientId ? and(eq(ltiPlatforms.issuer, issuer), eq(ltiPlatforms.clientId, clientId)) : eq(ltiPlatforms.issuer, issuer)).all();
  // Without a client id (the login request may omit it) the issuer must name one registration.
  return rows.length === 1 ? rows[0] : undefined;
}

export function platformById(db: Db, id: string): Platform | undefined {
  return db.select().from(ltiPlatforms).where(eq(ltiPlatforms.id, id)).get();
}
