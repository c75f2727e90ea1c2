"use client";
/** An instructor's actions on one member row: change the role, a TA's right to grant extensions, remove (asked twice). */
import { useState } from "react";
import { Status, useSubmit } from "./form-kit.tsx";

export function MemberActions({ courseId, email, role, canExtend, self }: { courseId: string; email: string; role: string; canExtend: boolean; self: boolean }) {
  const s = useSubmit();
  const [asking, setAsking] = useState(false);
  const url = `/api/courses/${courseId}/members`;
  return (
    <div className="member-actions" data-testid={`member-actions-${email}`}>
      <select aria-label={`Role of ${email}`} value={role} disabled={s.busy || self} data-testid="member-role" onChange={(e) => void s.run(url, "PUT", { email, role: e.target.value }, (d) => (typeof d.message === "string" ? d.message : "Role changed."))}>
        <option value="learner">learner</option>
        <option value="ta">TA</option>
        <option value="instructor">instructor</option>
      </select>
      {role === "ta" && (
        <label className="small">
          <input type="checkbox" checked={canExtend} disabled={s.busy} data-testid="member-can-extend" onChange={(e) => void s.run(url, "PATCH", { email, canExtend: e.target.checked }, (d) => (d.canExtend ? `${email} may now grant extensions.` : `${email} may no longer grant extensions.`))} />
          {" "}may grant extensions
        </label>
      )}
      {!self && !asking && <button type="button" className="small" data-testid="member-remove" onClick={() => setAsking(true)}>Remove</button>}
      {asking && (
        <span className="small">
          Remove {email} from the course? Their submissions stay theirs.{" "}
          <button type="button" className="danger" data-testid="member-remove-confirm" onClick={() => void s.run(url, "DELETE", { email }, () => `${email} removed.`)}>Yes, remove</button>{" "}
          <button type="button" onClick={() => setAsking(false)}>Keep</button>
        </span>
      )}
      <Status error={s.error} done={s.done} testid="member-action" />
    </div>
  );
}
