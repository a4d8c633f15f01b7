import { Cron } from 'croner';
import { isRecord } from '../../spec/task-entries.js';
import type { ValidationContext } from '../context.js';
import { didYouMean } from '../suggest.js';

let zones: string[] | undefined;

/** The cron expression parses (croner) and the time zone is a known IANA zone; strict asks for an explicit zone. */
export function checkSchedule(context: ValidationContext): void {
  const value = context.source.value;
  const schedule = isRecord(value) ? value.schedule : undefined;
  if (!isRecord(schedule)) return;
  const timezone = typeof schedule.timezone === 'string' ? schedule.timezone : undefined;
  let zoneValid = true;
  if (timezone !== undefined && !isKnownTimezone(timezone)) {
    zoneValid = false;
    zones ??= Intl.supportedValuesOf('timeZone');
    context.report('structure/unknown-timezone', ['schedule', 'timezone'], `Unknown time zone \`${timezone}\`${didYouMean(timezone, [...zones, 'UTC'])}`);
  }
  if (typeof schedule.cron === 'string') {
    try {
      new Cron(schedule.cron, { paused: true, timezone: zoneValid ? timezone : undefined });
    } catch (error) {
      context.report('structure/invalid-cron', ['schedule', 'cron'], `Invalid cron expression \`${schedule.cron}\`: ${(error as Error).message}`);
    }
  }
  if (context.options.strict && timezone === undefined) {
    context.report('strict/schedule-timezone', ['schedule'], 'The schedule has no `timezone` and would run in UTC; name the zone explicitly');
  }
}

/** Zones already found valid: building a formatter costs about 0.1 ms, and every file of a repository names the same few. */
const knownZones = new Set<string>();

export function isKnownTimezone(timezone: string): boolean {
  if (knownZones.has(timezone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    knownZones.add(timezone);
    return true;
  } catch {
    return false;
  }
}
