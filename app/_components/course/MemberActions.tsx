"use client";
/** An instructor's actions on one member row: change the role, a TA's right to grant extensions, remove (asked twice). */
import { useState } from "react";
import { useTranslations } from "next-intl";
import { Status, useSubmit } from "./form-kit.tsx";

export function MemberActions({ courseId, email, role, canExtend, self }: { courseId: string; email: string; role: string; canExtend: boolean; self: boolean }) {
  const s = useSubmit();
  const t = useTranslations("memberActions");
  const roles = useTranslations("common.courseRoles");
  const [asking, setAsking] = useState(false);
  // Shown at once (the page's refresh confirms it); an error says so under the row.
  const [extend, setExtend] = useState(canExtend);
  const url = `/api/courses/${courseId}/members`;
  return (
    <div className="member-actions" data-testid={`member-actions-${email}`}>
      <select aria-label={t("roleOf", { email })} value={role} disabled={s.busy || self} data-testid="member-role" onChange={(e) => void s.run(url, "PUT", { email, role: e.target.value }, (d) => (typeof d.message === "string" ? d.message : t("roleChanged")))}>
        <option value="learner">{roles("learner")}</option>
        <option value="ta">{roles("ta")}</option>
        <option value="instructor">{roles("instructor")}</option>
      </select>
      {role === "ta" && (
        <label className="small">
          <input type="checkbox" checked={extend} disabled={s.busy} data-testid="member-can-extend" onChange={(e) => {
            setExtend(e.target.checked);
            void s.run(url, "PATCH", { email, canExtend: e.target.checked }, (d) => (d.canExtend ? t("mayExtendNow", { email }) : t("mayNotExtend", { email })));
          }} />
          {" "}{t("mayExtend")}
        </label>
      )}
      {!self && !asking && <button type="button" className="small" data-testid="member-remove" onClick={() => setAsking(true)}>{t("remove")}</button>}
      {asking && (
        <span className="small">
          {t("removeAsk", { email })}{" "}
          <button type="button" className="danger" data-testid="member-remove-confirm" onClick={() => void s.run(url, "DELETE", { email }, () => t("removed", { email }))}>{t("removeYes")}</button>{" "}
          <button type="button" onClick={() => setAsking(false)}>{t("keep")}</button>
        </span>
      )}
      <Status error={s.error} done={s.done} testid="member-action" />
    </div>
  );
}
