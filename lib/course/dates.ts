/** Reading and showing instants in a course's time zone (IANA names such as "Europe/Paris"). */
import { formatInTimeZone, fromZonedTime } from "date-fns-tz";

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** "2026-12-01T23:59" read as wall-clock time in `tz` → the instant. Throws with a clear message. */
export function parseLocalDateTime(local: string, tz: string): Date {
  if (!isTimeZone(tz)) throw new Error(`unknown time zone "${tz}" (use an IANA name such as "Europe/Paris" or "UTC")`);
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$/.test(local)) throw new Error(`"${local}" is not a date and time like 2026-12-01T23:59`);
  const d = fromZonedTime(local.replace(" ", "T"), tz);
  if (Number.isNaN(d.getTime())) throw new Error(`"${local}" is not a valid date`);
  return d;
}

/** The instant as wall-clock time in `tz`, e.g. "2026-12-01 23:59 CET". */
export function formatInZone(d: Date, tz: string): string {
  return formatInTimeZone(d, tz, "yyyy-MM-dd HH:mm zzz");
}
