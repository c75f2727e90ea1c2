"use client";
/**
 * An instant as wall-clock time with its zone: the course's zone when given (the same on the
 * server and in the browser), otherwise the learner's own, known only in the browser (until then,
 * and without JavaScript, UTC).
 */
import { useEffect, useState } from "react";
import { formatInTimeZone } from "date-fns-tz";

const FORMAT = "yyyy-MM-dd HH:mm:ss zzz";

export function ZonedTime({ ms, timeZone }: { ms: number; timeZone: string | null }) {
  const [zone, setZone] = useState(timeZone ?? "UTC");
  useEffect(() => {
    if (!timeZone) setZone(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
  }, [timeZone]);
  return (
    <time dateTime={new Date(ms).toISOString()} title={zone} data-zone={zone}>
      {formatInTimeZone(ms, zone, FORMAT)}
    </time>
  );
}

/** The learner's own time zone by name, once the browser says it. */
export function LearnerZone() {
  const [zone, setZone] = useState<string | null>(null);
  useEffect(() => setZone(Intl.DateTimeFormat().resolvedOptions().timeZone || null), []);
  return <>your time zone{zone ? `, ${zone}` : ""}</>;
}
