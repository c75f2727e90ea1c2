"use client";
/** Admin → LTI's forms: platforms (add, edit, remove), one-time registration links, key rotation (server/lti/admin.ts via /api/lti/admin/*). */
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useFormatter, useTranslations } from "next-intl";
import { sendJson } from "../../_components/course/api.ts";

export interface PlatformView {
  id: string;
  issuer: string;
  clientId: string;
  authEndpoint: string;
  tokenEndpoint: string;
  jwksUrl: string;
  deploymentIds: string[];
}

const FIELDS = ["issuer", "clientId", "authEndpoint", "tokenEndpoint", "jwksUrl"] as const;
type Field = (typeof FIELDS)[number] | "deploymentIds";

export function CopyValue({ value }: { value: string }) {
  const tv = useTranslations("ltiAdmin.values");
  return (
    <span className="lti-copy">
      <code>{value}</code>{" "}
      <button type="button" className="small" onClick={() => void navigator.clipboard?.writeText(value)}>{tv("copy")}</button>
    </span>
  );
}

/** The add / edit form: a refusal is shown per field, in the reader's language. */
function PlatformForm({ initial, onDone, onCancel }: { initial?: PlatformView; onDone: (message: string) => void; onCancel?: () => void }) {
  const t = useTranslations("ltiAdmin");
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field | "body", true>>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (form: HTMLFormElement) => {
    const f = new FormData(form);
    const body = Object.fromEntries([...FIELDS, "deploymentIds"].map((k) => [k, String(f.get(k) ?? "")]));
    setBusy(true);
    const r = initial ? await sendJson(`/api/lti/admin/platforms/${initial.id}`, "PUT", body) : await sendJson("/api/lti/admin/platforms", "POST", body);
    setBusy(false);
    if (r.ok) {
      setFieldErrors({});
      setError(null);
      if (!initial) form.reset();
      onDone(initial ? t("platforms.saved") : t("platforms.added"));
      return;
    }
    const fields = (r.data.fields ?? {}) as Record<string, string>;
    const known = Object.keys(fields).filter((k): k is Field | "body" => ([...FIELDS, "deploymentIds", "body"] as string[]).includes(k));
    setFieldErrors(Object.fromEntries(known.map((k) => [k, true])));
    setError(known.length ? null : t("failed", { error: r.error }));
  };
  const prefix = initial ? `edit-${initial.id}` : "add";
  return (
    <form className="lti-platform-form" data-testid={initial ? "lti-edit-form" : "lti-add-form"} noValidate onSubmit={(e) => { e.preventDefault(); void submit(e.currentTarget); }}>
      {FIELDS.map((k) => (
        <label key={k}>
          <span>{t(`platforms.${k}`)}</span>
          <input name={k} defaultValue={initial?.[k] ?? ""} aria-invalid={!!fieldErrors[k]} aria-describedby={`${prefix}-${k}-error`} data-testid={`lti-${k}`} />
          {fieldErrors[k] && <span className="error small" id={`${prefix}-${k}-error`} role="alert">{t(`fields.${k}`)}</span>}
        </label>
      ))}
      <label>
        <span>{t("platforms.deploymentIds")} <span className="muted small">{t("platforms.deploymentsHint")}</span></span>
        <textarea name="deploymentIds" rows={2} defaultValue={initial?.deploymentIds.join("\n") ?? ""} aria-invalid={!!fieldErrors.deploymentIds} data-testid="lti-deploymentIds" />
        {fieldErrors.deploymentIds && <span className="error small" role="alert">{t("fields.deploymentIds")}</span>}
      </label>
      {fieldErrors.body && <p className="error" role="alert">{t("fields.body")}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      <p className="admin-actions">
        <button type="submit" className="primary" disabled={busy} data-testid="lti-save">{initial ? t("platforms.save") : t("platforms.addButton")}</button>
        {onCancel && <button type="button" onClick={onCancel}>{t("platforms.cancel")}</button>}
      </p>
    </form>
  );
}

export function LtiPlatforms({ platforms }: { platforms: PlatformView[] }) {
  const t = useTranslations("ltiAdmin");
  const router = useRouter();
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const done = (message: string) => {
    setEditing(null);
    setNotice(message);
    router.refresh();
  };
  const remove = async (p: PlatformView) => {
    if (!confirm(t("platforms.confirmRemove", { issuer: p.issuer }))) return;
    const r = await sendJson(`/api/lti/admin/platforms/${p.id}`, "DELETE", {});
    if (r.ok) done(t("platforms.removed"));
    else setError(t("failed", { error: r.error }));
  };
  return (
    <>
      <section>
        <h2>{t("platforms.title")}</h2>
        {notice && <p className="notice" role="status" data-testid="lti-notice">{notice}</p>}
        {error && <p className="error" role="alert">{error}</p>}
        {platforms.length === 0 ? <p className="muted" data-testid="lti-no-platforms">{t("platforms.none")}</p> : (
          <table className="admin-table" data-testid="lti-platforms">
            <thead><tr><th>{t("platforms.issuer")}</th><th>{t("platforms.clientId")}</th><th>{t("platforms.deploymentIds")}</th><th>{t("platforms.actions")}</th></tr></thead>
            <tbody>
              {platforms.map((p) => (
                editing === p.id ? (
                  <tr key={p.id}><td colSpan={4}><PlatformForm initial={p} onDone={done} onCancel={() => setEditing(null)} /></td></tr>
                ) : (
                  <tr key={p.id} data-testid={`lti-platform-${p.issuer}`}>
                    <td><code>{p.issuer}</code><div className="muted small"><code>{p.jwksUrl}</code></div></td>
                    <td><code>{p.clientId}</code></td>
                    <td>{p.deploymentIds.length ? p.deploymentIds.map((d) => <code key={d}>{d} </code>) : <span className="muted">{t("platforms.noDeployment")}</span>}</td>
                    <td className="admin-actions">
                      <button type="button" onClick={() => setEditing(p.id)}>{t("platforms.edit")}</button>
                      <button type="button" onClick={() => void remove(p)}>{t("platforms.remove")}</button>
                    </td>
                  </tr>
                )
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section>
        <h2>{t("platforms.add")}</h2>
        <PlatformForm onDone={done} />
      </section>
    </>
  );
}

export function LtiKeyAndLinks({ keys, links, issuers }: { keys: { kid: string; createdAt: number; retired: boolean; publishUntil: number | null }[]; links: { createdAt: number; expiresAt: number; usedAt: number | null; platformId: string | null }[]; issuers: Record<string, string> }) {
  const t = useTranslations("ltiAdmin");
  const format = useFormatter();
  const router = useRouter();
  const [link, setLink] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [grace, setGrace] = useState("7");
  const when = (ms: number) => format.dateTime(new Date(ms), { dateStyle: "medium", timeStyle: "short" });
  const now = Date.now();
  return (
    <>
      <section>
        <h2>{t("links.title")}</h2>
        <p className="muted small">{t("links.intro")}</p>
        {link && <p className="notice" data-testid="lti-registration-link">{t("links.created")} <CopyValue value={link} /></p>}
        <p>
          <button type="button" data-testid="lti-new-link" onClick={async () => {
            const r = await sendJson<{ url: string }>("/api/lti/admin/registration-links", "POST", {});
            if (r.ok) { setLink(r.data.url); router.refresh(); } else setError(t("failed", { error: r.error }));
          }}>{t("links.create")}</button>
        </p>
        {links.length === 0 ? <p className="muted">{t("links.none")}</p> : (
          <table className="admin-table">
            <thead><tr><th>{t("links.createdAt")}</th><th>{t("links.expires")}</th><th>{t("links.status")}</th></tr></thead>
            <tbody>
              {links.map((l, i) => (
                <tr key={i}>
                  <td>{when(l.createdAt)}</td>
                  <td>{when(l.expiresAt)}</td>
                  <td>{l.usedAt ? <>{t("links.used")}{l.platformId && issuers[l.platformId] ? <> · <code>{issuers[l.platformId]}</code></> : null}</> : l.expiresAt < now ? t("links.expired") : t("links.unused")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section>
        <h2>{t("key.title")}</h2>
        <p className="muted small">{t("key.intro")}</p>
        {notice && <p className="notice" role="status">{notice}</p>}
        {error && <p className="error" role="alert">{error}</p>}
        <ul data-testid="lti-keys">
          {keys.map((k) => (
            <li key={k.kid}><code>{k.kid}</code> · {k.retired ? t("key.retired", { until: k.publishUntil ? when(k.publishUntil) : "–" }) : t("key.active")}</li>
          ))}
        </ul>
        <p className="admin-actions">
          <label>{t("key.graceDays")} <input type="number" min={0} max={365} value={grace} onChange={(e) => setGrace(e.target.value)} style={{ width: "5em" }} /></label>
          <button type="button" data-testid="lti-rotate" onClick={async () => {
            const r = await sendJson<{ kid: string }>("/api/lti/admin/key", "POST", { graceDays: grace });
            if (r.ok) { setNotice(t("key.rotated", { kid: r.data.kid })); router.refresh(); } else setError(t("failed", { error: r.error }));
          }}>{t("key.rotate")}</button>
        </p>
      </section>
    </>
  );
}
