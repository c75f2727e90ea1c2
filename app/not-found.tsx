import Link from "next/link";
import { getTranslations } from "next-intl/server";

export default async function NotFound() {
  const t = await getTranslations("pages.notFound");
  return (
    <main className="signin">
      <h1>{t("title")}</h1>
      <p className="muted">{t("body")}</p>
      <Link href="/">{t("back")}</Link>
    </main>
  );
}
