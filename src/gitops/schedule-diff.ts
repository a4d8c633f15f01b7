import { Cron } from 'croner';
import { isRecord } from '../spec/task-entries.js';

/** A schedule as written: the cron expression and its zone (UTC when absent). */
export interface ScheduleSide {
  cron: string;
  timezone: string;
  /** The next fire times from the reference time; empty when the expression or zone is invalid. */
  runs: Date[];
}

export interface ScheduleDiff {
  before?: ScheduleSide;
  after?: ScheduleSide;
  /** Fire times that fall within a day of a daylight-saving change in their zone, explained. */
  dstWarnings: string[];
}

const RUNS = 5;
const HOUR = 3_600_000;
/** Fire times further apart than this are not scanned for DST changes (a yearly job says little). */
const SCAN_LIMIT = 400 * 24 * HOUR;

/** How a schedule changed, with the next 5 fire times on each side; `undefined` when it did not. */
export function diffSchedules(before: unknown, after: unknown, now: Date): ScheduleDiff | undefined {
  const a = sideOf(before, now);
  const b = sideOf(after, now);
  if (a?.cron === b?.cron && a?.timezone === b?.timezone) return undefined;
  const warnings = [...dstWarnings(b), ...dstWarnings(a).map((warning) => `before the change: ${warning}`)];
  return { ...(a ? { before: a } : {}), ...(b ? { after: b } : {}), dstWarnings: warnings };
}

function sideOf(schedule: unknown, now: Date): ScheduleSide | undefined {
  if (!isRecord(schedule) || typeof schedule.cron !== 'string') return undefined;
  const timezone = typeof schedule.timezone === 'string' ? schedule.timezone : 'UTC';
  let runs: Date[] = [];
  try {
    runs = new Cron(schedule.cron, { paused: true, timezone }).nextRuns(RUNS, now);
  } catch {
    // Validation reports the bad expression or zone; the diff just shows no fire times.
  }
  return { cron: schedule.cron, timezone, runs };
}

/** A fire time next to (within 24 hours of) a change of the zone's UTC offset. */
function dstWarnings(side: ScheduleSide | undefined): string[] {
  if (!side || side.runs.length === 0) return [];
  const first = side.runs[0]!.getTime();
  const last = side.runs[side.runs.length - 1]!.getTime();
  if (last - first > SCAN_LIMIT) return [];
  const transitions: { at: number; from: string; to: string }[] = [];
  let previous = offsetOf(first - 24 * HOUR, side.timezone);
  for (let at = first - 23 * HOUR; at <= last + 24 * HOUR; at += HOUR) {
    const offset = offsetOf(at, side.timezone);
    if (offset !== previous) transitions.push({ at, from: previous, to: offset });
    previous = offset;
  }
  return transitions.flatMap((transition) => {
    const near = side.runs.filter((run) => Math.abs(run.getTime() - transition.at) <= 24 * HOUR);
    if (near.length === 0) return [];
    const day = formatLocal(new Date(transition.at), side.timezone).slice(0, 10);
    const runs = near.map((run) => `\`${formatLocal(run, side.timezone)}\``).join(', ');
    return [`${runs} ${near.length === 1 ? 'falls' : 'fall'} within a day of the daylight-saving change on ${day} in ${side.timezone} (${transition.from} → ${transition.to}); check each runs once, at the hour you expect`];
  });
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string, kind: 'offset' | 'local'): Intl.DateTimeFormat {
  const key = `${kind}\0${timezone}`;
  let found = formatters.get(key);
  if (!found) {
    found = kind === 'offset'
      ? new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' })
      : new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
    formatters.set(key, found);
  }
  return found;
}

function offsetOf(at: number, timezone: string): string {
  const name = formatter(timezone, 'offset').formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  return name === 'GMT' ? 'UTC+00:00' : name.replace('GMT', 'UTC');
}

/** `2026-03-08 03:00 EDT`: the wall-clock time users write crons in. */
export function formatLocal(date: Date, timezone: string): string {
  const parts = Object.fromEntries(formatter(timezone, 'local').formatToParts(date).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
}
