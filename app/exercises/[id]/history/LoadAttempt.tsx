"use client";
/**
 * "Load this attempt into the editor": writes the attempt into this browser's draft journal (the
 * code the editor would have shown is kept there first, restorable from the exercise page) and
 * opens the exercise.
 */
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { loadIntoEditor, type ServerDraft } from "../../../_components/draft-journal.ts";

export function LoadAttempt(props: { userId: string; exerciseId: string; label: string; code: string; server: ServerDraft | null; starter: string }) {
  const router = useRouter();
  const t = useTranslations("history");
  return (
    <button
      type="button"
      className="primary"
      data-testid="load-attempt"
      title={t("loadTitle")}
      onClick={() => {
        // The journal keeps the attempt's label ("#3"); the exercise page names it in its own language.
        loadIntoEditor(props.userId, props.exerciseId, props.code, props.label, props.server, props.starter);
        router.push(`/exercises/${encodeURIComponent(props.exerciseId)}`);
      }}
    >
      {t("load", { label: props.label })}
    </button>
  );
}
