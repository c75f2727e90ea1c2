/**
 * A moment (deadline, release, exam end) in the reader's language and the course's time zone,
 * with the zone's name: "2026年12月1日 23:59 GMT+8", "Dec 1, 2026, 11:59 PM GMT+8". next-intl's
 * formatter, never toLocaleString (whose language and zone are the browser's, not the page's).
 */
import { useFormatter } from "next-intl";

export const MOMENT = { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" } as const;

/** (ms, zone) → the moment in words; `zone` undefined: the page's zone. */
export function useMoment(): (ms: number, timeZone: string | undefined) => string {
  const format = useFormatter();
  return (ms, timeZone) => format.dateTime(new Date(ms), { ...MOMENT, ...(timeZone ? { timeZone } : {}) });
}
