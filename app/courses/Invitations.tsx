"use client";
/** The invitations waiting for the signed-in account: join (with the invited role) or decline. */
import { useRouter } from "next/navigation";
import { useState } from "react";
import { sendJson } from "../_components/course/api.ts";

export interface PendingInvitation {
  courseId: string;
  courseTitle: string;
  role: string;
  invitedBy: string | null;
}

export function Invitations({ invitations }: { invitations: PendingInvitation[] }) {
  const router = useRouter();
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
      <h2>Invitations</h2>
      <p className="muted small">Joining lets the course&apos;s TAs and instructors see what you submit for its assignments from now on (not your earlier work).</p>
      <ul>
        {invitations.map((i) => (
          <li key={i.courseId} data-testid={`invitation-${i.courseTitle}`}>
            <b>{i.courseTitle}</b> as {i.role === "ta" ? "a TA" : `${i.role === "instructor" ? "an" : "a"} ${i.role}`}{i.invitedBy ? <span className="muted small"> (from {i.invitedBy})</span> : null}{" "}
            <button className="primary" disabled={busy} onClick={() => void answer(i.courseId, true)}>Join</button>{" "}
            <button disabled={busy} onClick={() => void answer(i.courseId, false)}>Decline</button>
          </li>
        ))}
      </ul>
      {error && <p className="error" role="alert">{error}</p>}
    </section>
  );
}
