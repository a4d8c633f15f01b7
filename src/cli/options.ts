import { InvalidArgumentError } from 'commander';

/** Parsers for flag values, so a bad value is a usage error (exit 2) naming the flag's expectation. */

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError(`Expected a positive whole number, got \`${value}\`.`);
  return parsed;
}

export function byteSize(value: string): number {
  const match = /^(\d+)([KMG]i?B?)?$/i.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`Expected a size such as \`10MiB\` or \`1048576\`, got \`${value}\`.`);
  const unit = (match[2] ?? '').toUpperCase().replace(/I?B$/, '');
  const multiplier = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[unit] ?? 1;
  return Number(match[1]) * multiplier;
}

export function commaList(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter(Boolean);
}
