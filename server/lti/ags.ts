/**
 * Assignment and Grade Services 2.0 (tool side): create a line item in a context's line items
 * container, and publish a learner's score to a line item (POST {lineitem}/scores).
 */
import type { Db } from "../../db/client.ts";
import { answerText, SCOPE, serviceFetch, ServiceError } from "./ags-token.ts";
import type { Platform } from "./platforms.ts";

export const SCORE_TYPE = "application/vnd.ims.lis.v1.score+json";
export const LINE_ITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json";

export interface Score {
  userId: string;
  scoreGiven: number;
  scoreMaximum: number;
  activityProgress: "Initialized" | "Started" | "InProgress" | "Submitted" | "Completed";
  gradingProgress: "FullyGraded" | "Pending" | "PendingManual" | "Failed" | "NotReady";
  /** ISO 8601 with milliseconds: when the score changed in GradLab (the platform keeps the newest). */
  timestamp: string;
  comment?: string;
}

/** The scores endpoint of a line item: `/scores` appended to its path, its query kept (AGS §3.4). */
export function scoresUrl(lineItemUrl: string): string {
  const u = new URL(lineItemUrl);
  u.pathname = `${u.pathname.replace(/\/+$/, "")}/scores`;
  return u.href;
}

export async function postScore(db: Db, platform: Platform, lineItemUrl: string, score: Score): Promise<void> {
  const res = await serviceFetch(db, platform, [SCOPE.score], scoresUrl(lineItemUrl), { method: "POST", headers: { "Content-Type": SCORE_TYPE }, body: JSON.stringify(score) }, "The platform's score service");
  if (!res.ok) throw new ServiceError(res.status, `The platform did not accept the score (${await answerText(res)}).`);
}

export interface NewLineItem {
  label: string;
  scoreMaximum: number;
  resourceLinkId: string;
  resourceId: string;
  tag: string;
}

/** A new line item in the context's container; its URL (the `id` the platform answers). */
export async function createLineItem(db: Db, platform: Platform, lineItemsUrl: string, item: NewLineItem): Promise<string> {
  const res = await serviceFetch(db, platform, [SCOPE.lineItem], lineItemsUrl, { method: "POST", headers: { "Content-Type": LINE_ITEM_TYPE, Accept: LINE_ITEM_TYPE }, body: JSON.stringify(item) }, "The platform's line item service");
  if (!res.ok) throw new ServiceError(res.status, `The platform did not create a line item (${await answerText(res)}).`);
  const body = (await res.json().catch(() => ({}))) as { id?: unknown };
  if (typeof body.id !== "string" || !body.id) throw new ServiceError(502, "The platform created a line item but did not answer its id (URL).");
  return body.id;
}
