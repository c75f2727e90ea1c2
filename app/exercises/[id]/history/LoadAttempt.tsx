"use client";
/**
 * "Load this attempt into the editor": writes the attempt into this browser's draft journal (the
 * code the editor would have shown is kept there first, restorable from the exercise page) and
 * opens the exercise.
 */
import { useRouter } from "next/navigation";
import { loadIntoEditor, type ServerDraft } from "../../../_components/draft-journal.ts";

export function LoadAttempt(props: { userId: string; exerciseId: string; label: string; code: string; server: ServerDraft | null; starter: string }) {
  const router = useRouter();
  return (
    <button
      type="button"
      className="primary"
      data-testid="load-attempt"
      title="Opens this attempt in the editor; the code you have now stays restorable there"
      onClick={() => {
        loadIntoEditor(props.userId, props.exerciseId, props.code, `attempt ${props.label}`, props.server, props.starter);
        router.push(`/exercises/${encodeURIComponent(props.exerciseId)}`);
      }}
    >
      Load {props.label} into the editor
    </button>
  );
}
