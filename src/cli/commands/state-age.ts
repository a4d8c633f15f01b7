import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../../spec/quantities.js';

/** `--older-than 30d`, `--last 24h`: an age in the pipeline format's duration grammar, above zero. */
export function ageMilliseconds(value: string): number {
  const parsed = parseDuration(value);
  if (!parsed.ok || parsed.value <= 0) {
    throw new InvalidArgumentError(`Expected an age such as \`30d\`, \`24h\`, \`90m\` or \`2w\` (units ms, s, m, h, d, w), got \`${value}\`.`);
  }
  return parsed.value * 1000;
}
