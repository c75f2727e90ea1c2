import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { headers } from "next/headers";
import { loadServer } from "../../_lib/server-loader.ts";
import { requireUser } from "../../_lib/session.ts";
import { TopBar } from "../../_components/TopBar.tsx";
import { LtiPlatforms, LtiKeyAndLinks, CopyValue } from "./LtiAdmin.tsx";
import "../admin.css";
import "./lti-admin.css";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  return { title: (await getTranslations("ltiAdmin"))("title") };
}

/** Admin → LTI: GradLab's values for an LMS, the registered platforms, dynamic registration links, the signing key. */
export default async function LtiAdminPage() {
  const user = await requireUser("/admin/lti");
  if (user.role !== "admin") notFound();
  const be = await loadServer();
  const h = await headers();
  const proto = h.get("x-forwarded-proto") ?? "http";
  const data = be.lti.admin.overview(user, be.lti.admin.baseUrl(`${proto}://${h.get("host") ?? "localhost"}/`));
  const t = await getTranslations("ltiAdmin");
  const ta = await getTranslations("admin");
  const values: [string, string][] = [
    [t("values.login"), data.tool.login],
    [t("values.launch"), data.tool.launch],
    [t("values.jwks"), data.tool.jwks],
    [t("values.deepLink"), data.tool.deepLink],
    [t("values.registration"), data.tool.registration],
  ];
  return (
    <>
      <TopBar user={user} crumbs={[{ href: "/admin", label: ta("title") }, { label: t("title") }]} />
      <main className="page admin lti-admin">
        <h1>{t("title")}</h1>
        <p className="muted">{t("intro")}</p>
        <section>
          <h2>{t("values.title")}</h2>
          <p className="muted small">{t("values.hint")}</p>
          <table className="admin-table" data-testid="lti-tool-values">
            <tbody>
              {values.map(([k, v]) => (
                <tr key={k}><th>{k}</th><td><CopyValue value={v} /></td></tr>
              ))}
            </tbody>
          </table>
        </section>
        <LtiPlatforms platforms={data.platforms.map((p) => ({ id: p.id, issuer: p.issuer, clientId: p.clientId, authEndpoint: p.authEndpoint, tokenEndpoint: p.tokenEndpoint, jwksUrl: p.jwksUrl, deploymentIds: p.deploymentIds }))} />
        <LtiKeyAndLinks keys={data.keys} links={data.links} issuers={Object.fromEntries(data.platforms.map((p) => [p.id, p.issuer]))} />
      </main>
    </>
  );
}
