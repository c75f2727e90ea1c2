"use client";
/**
 * An instant as wall-clock time with its zone: the course's zone when given (the same on the
 * server and in the browser), otherwise the learner's own, known only in the browser (until then,
 * and without JavaScript, UTC). English shows ISO-like "2026-05-03 14:05:06 PDT"; other languages
 * their own date format (next-intl's formatter), e.g. zh-CN "2026/05/03 14:05:06".
 */
import { useEffect, useState } from "react";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import { formatInTimeZone } from "date-fns-tz";

const FORMAT = "yyyy-MM-dd HH:mm:ss zzz";

export function ZonedTime({ ms, timeZone }: { ms: number; timeZone: string | null }) {
  const [zone, setZone] = useState(timeZone ?? "UTC");
  const locale = useLocale();
  const format = useFormatter();
  useEffect(() => {
    if (!timeZone) setZone(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
  }, [timeZone]);
  const text =
    locale === "en"
      ? formatInTimeZone(ms, zone, FORMAT)
      : // The zone is named once above the table (and in the title), not as "GMT+8" in every row.
        format.dateTime(new Date(ms), { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
  return (
    <time dateTime={new Date(ms).toISOString()} title={zone} data-zone={zone}>
      {text}
    </time>
  );
}

/** The learner's own time zone by name, once the browser says it. */
export function LearnerZone() {
  const t = useTranslations("history");
  const [zone, setZone] = useState<string | null>(null);
  useEffect(() => setZone(Intl.DateTimeFormat().resolvedOptions().timeZone || null), []);
  return <>{zone ? t("yourZoneNamed", { zone }) : t("yourZone")}</>;
}
