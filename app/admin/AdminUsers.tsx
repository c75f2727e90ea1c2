"use client";
/** The accounts table of the admin console: role, disable/enable and a reset link per account (server/admin/ through better-auth's admin plugin). */
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTranslations } from "next-intl";
import type { AdminUserView } from "../../server/admin/index.ts";
import { sendJson } from "../_components/course/api.ts";

const ROLES = ["learner", "instructor", "admin"] as const;

export function AdminUsers({ me, users }: { me: string; users: AdminUserView[] }) {
  const t = useTranslations("admin.users");
  const tc = useTranslations("common");
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [link, setLink] = useState<{ email: string; url: string } | null>(null);
  const act = async (path: string, body: unknown = {}) => {
    setError(null);
    const r = await sendJson(`/api/admin/users/${path}`, "POST", body);
    if (!r.ok) setError(r.error);
    else router.refresh();
    return r;
  };
  return (
    <>
      {error && <p className="error" role="alert">{error}</p>}
      {link && (
        <p className="notice" data-testid="reset-link">
          {t("linkFor", { email: link.email })} <code>{link.url}</code>
        </p>
      )}
      <table className="admin-table" data-testid="admin-users">
        <thead><tr><th>{t("email")}</th><th>{t("role")}</th><th>{t("status")}</th><th>{t("actions")}</th></tr></thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-testid={`user-${u.email}`} className={u.disabled ? "disabled" : ""}>
              <td>{u.email}</td>
              <td>
                <select aria-label={t("role")} value={u.role} disabled={u.id === me} data-testid="role-select" onChange={(e) => void act(`${u.id}/role`, { role: e.target.value })}>
                  {ROLES.map((r) => <option key={r} value={r}>{tc(`roles.${r}`)}</option>)}
                </select>
              </td>
              <td data-testid="user-status">{u.disabled ? t("disabled", { reason: u.disabledReason ?? "" }) : t("active")}</td>
              <td className="admin-actions">
                {u.id !== me && (u.disabled ? (
                  <button type="button" data-testid="enable" onClick={() => void act(`${u.id}/enable`)}>{t("enable")}</button>
                ) : (
                  <button type="button" data-testid="disable" onClick={() => {
                    const reason = prompt(t("disableReason", { email: u.email }));
                    if (reason !== null) void act(`${u.id}/disable`, { reason });
                  }}>{t("disable")}</button>
                ))}
                <button type="button" data-testid="reset" onClick={async () => {
                  const r = await sendJson<{ url: string; email: string }>(`/api/admin/users/${u.id}/reset-link`, "POST", {});
                  if (r.ok) setLink({ email: r.data.email, url: r.data.url });
                  else setError(r.error);
                }}>{t("resetLink")}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
