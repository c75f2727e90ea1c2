/**
 * GradLab's own RSA key pair for LTI (it signs the tool's messages to the platform: deep linking
 * responses, service-token requests). Generated on first use and stored in the database; the
 * public halves are published as a JWKS. Rotation makes a new active key and keeps the old one
 * published for a grace period, so that platforms that cached the JWKS still verify in-flight messages.
 */
import { randomUUID } from "node:crypto";
import { desc, eq, isNull } from "drizzle-orm";
import { exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import type { Db } from "../../db/client.ts";
import { ltiToolKeys } from "../../db/schema.ts";

export const KEY_ALG = "RS256";
export const DEFAULT_GRACE_DAYS = 7;

async function newKey(db: Db): Promise<string> {
  const { publicKey, privateKey } = await generateKeyPair(KEY_ALG, { modulusLength: 2048, extractable: true });
  const kid = randomUUID();
  const meta = { kid, alg: KEY_ALG, use: "sig" };
  db.insert(ltiToolKeys).values({ kid, privateJwk: { ...(await exportJWK(privateKey)), ...meta }, publicJwk: { ...(await exportJWK(publicKey)), ...meta }, createdAt: new Date() }).run();
  return kid;
}

let firstKey: Promise<string> | null = null;

/** The active key (made on first use): what GradLab signs with. */
export async function activeKey(db: Db): Promise<{ kid: string; privateKey: CryptoKey | Uint8Array }> {
  let row = db.select().from(ltiToolKeys).where(isNull(ltiToolKeys.retiredAt)).orderBy(desc(ltiToolKeys.createdAt)).get();
  if (!row) {
    // One key for concurrent first uses (a launch's roster sync and a score post): two would
    // leave the platform, which caches GradLab's JWKS, without the key a token was signed with.
    await (firstKey ??= newKey(db).finally(() => (firstKey = null)));
    row = db.select().from(ltiToolKeys).where(isNull(ltiToolKeys.retiredAt)).orderBy(desc(ltiToolKeys.createdAt)).get()!;
  }
  return { kid: row.kid, privateKey: await importJWK(row.privateJwk as JWK, KEY_ALG) };
}

/** The JWKS to publish: the active key and every retired key still within its grace period. */
export async function publicJwks(db: Db, now = Date.now()): Promise<{ keys: JWK[] }> {
  await activeKey(db);
  const rows = db.select().from(ltiToolKeys).orderBy(desc(ltiToolKeys.createdAt)).all();
  return { keys: rows.filter((r) => !r.retiredAt || (r.publishUntil && r.publishUntil.getTime() > now)).map((r) => r.publicJwk as JWK) };
}

/** A new active key; the previous one is retired but published for `graceDays` more. */
export async function rotateKey(db: Db, graceDays = DEFAULT_GRACE_DAYS): Promise<{ kid: string; retired: string[] }> {
  if (!Number.isFinite(graceDays) || graceDays < 0) throw new Error("the grace period must be a number of days >= 0");
  const now = new Date();
  const current = db.select({ kid: ltiToolKeys.kid }).from(ltiToolKeys).where(isNull(ltiToolKeys.retiredAt)).all();
  for (const c of current) db.update(ltiToolKeys).set({ retiredAt: now, publishUntil: new Date(now.getTime() + graceDays * 86_400_000) }).where(eq(ltiToolKeys.kid, c.kid)).run();
  const kid = await newKey(db);
  return { kid, retired: current.map((c) => c.kid) };
}
