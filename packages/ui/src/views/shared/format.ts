// Times and durations as people read them. Exact values (ids, ISO times) stay available in titles.

const SECOND = 1;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A duration in words: "0.4 s", "45 s", "3 min 20 s", "2 h 5 min", "3 d 4 h". */
export function formatDuration(totalSeconds: number): string {
  // Under ten seconds, tenths count (tasks often take a fraction of a second).
  const tenths = Math.round(Math.max(0, totalSeconds) * 10) / 10;
  if (tenths < 10) return `${tenths} s`;
  const seconds = Math.round(tenths);
  if (seconds < MINUTE) return `${seconds} s`;
  const units: [number, string][] = [
    [DAY, "d"],
    [HOUR, "h"],
    [MINUTE, "min"],
    [SECOND, "s"],
  ];
  const index = units.findIndex(([size]) => seconds >= size);
  const [bigSize, bigName] = units[index] ?? [SECOND, "s"];
  const [smallSize, smallName] = units[index + 1] ?? [SECOND, "s"];
  const big = Math.floor(seconds / bigSize);
  const small = Math.floor((seconds % bigSize) / smallSize);
  return small ? `${big} ${bigName} ${small} ${smallName}` : `${big} ${bigName}`;
}

/** "12 s ago", "5 min ago"; "in 3 min" for a time after `now`. */
export function formatAge(iso: string, now: number): string {
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  return seconds >= 0 ? `${formatDuration(seconds)} ago` : `in ${formatDuration(-seconds)}`;
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});
const clockOptions = { hour: "2-digit", minute: "2-digit", second: "2-digit" } as const;
const clock = new Intl.DateTimeFormat(undefined, clockOptions);
const fineClock = new Intl.DateTimeFormat(undefined, {
  ...clockOptions,
  fractionalSecondDigits: 1,
});

/** A timestamp in the viewer's locale and time zone; the input itself when it is not a time. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return "—";
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : dateTime.format(ms);
}

/** Time of day with seconds (and tenths when `fine`), for axis ticks and log lines. */
export function formatClock(ms: number, fine = false): string {
  return (fine ? fineClock : clock).format(ms);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
