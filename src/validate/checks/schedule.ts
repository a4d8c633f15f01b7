import { Cron } from 'croner';
import { isRecord } from '../../spec/task-entries.js';
import type { ValidationContext } from '../context.js';
import { didYouMean } from '../suggest.js';

/** The cron expression parses (croner) and the time zone is a known IANA zone; strict asks for an explicit zone. */
export function checkSchedule(context: ValidationContext): void {
  const value = context.source.value;
  const schedule = isRecord(value) ? value.schedule : undefined;
  if (!isRecord(schedule)) return;
  const timezone = typeof schedule.timezone === 'string' ? schedule.timezone : undefined;
  let zoneValid = true;
  if (timezone !== undefined && !isKnownTimezone(timezone)) {
    zoneValid = false;
    context.report('structure/unknown-timezone', ['schedule', 'timezone'], `Unknown time zone \`${timezone}\`${didYouMean(timezone, [...listedZones()])}`);
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

/**
 * The zones the runtime lists, plus `UTC` (ECMA-402 requires every runtime to support it, but does
 * not list it): a lookup here costs nothing, whereas the first `Intl.DateTimeFormat` a process
 * builds loads ICU's formatting data (~18 ms), which a rollback or a `validate` would pay for one check.
 */
let listed: ReadonlySet<string> | undefined;
/** Other names found valid (aliases such as `US/Eastern`, other spellings): every file of a repository names the same few. */
const acceptedZones = new Set<string>();

function listedZones(): ReadonlySet<string> {
  listed ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
  return listed;
}

export function isKnownTimezone(timezone: string): boolean {
  if (listedZones().has(timezone) || acceptedZones.has(timezone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    acceptedZones.add(timezone);
    return true;
  } catch {
    return false;
  }
}
