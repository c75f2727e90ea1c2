"use client";
/** The invitations waiting for the signed-in account: join (with the invited role) or decline. */
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { sendJson } from "../_components/course/api.ts";

export interface PendingInvitation {
  courseId: string;
  courseTitle: string;
  role: string;
  invitedBy: string | null;
}

export function Invitations({ invitations }: { invitations: PendingInvitation[] }) {
  const router = useRouter();
  const t = useTranslations("courses");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function answer(courseId: string, accept: boolean) {
    setBusy(true);
    setError(null);
    const r = await sendJson(`/api/courses/${courseId}/invitation`, "POST", { accept });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    if (accept) router.push(`/courses/${courseId}`);
    else router.refresh();
  }
  return (
    <section className="card" data-testid="invitations">
      <h2>{t("invitations")}</h2>
      <p className="muted small">{t("invitationsNote")}</p>
      <ul>
        {invitations.map((i) => (
          <li key={i.courseId} data-testid={`invitation-${i.courseTitle}`}>
            {t.rich("invitedAs", { course: i.courseTitle, role: i.role, b: (chunks) => <b>{chunks}</b> })}{i.invitedBy ? <span className="muted small">{t("invitedBy", { who: i.invitedBy })}</span> : null}{" "}
            <button className="primary" disabled={busy} onClick={() => void answer(i.courseId, true)}>{t("join")}</button>{" "}
            <button disabled={busy} onClick={() => void answer(i.courseId, false)}>{t("decline")}</button>
          </li>
        ))}
      </ul>
      {error && <p className="error" role="alert">{error}</p>}
    </section>
  );
}
