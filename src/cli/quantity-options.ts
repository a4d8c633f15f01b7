import { InvalidArgumentError } from 'commander';
import { parseCpu, parseDuration, parseMemory } from '../spec/quantities.js';

/** Flag parsers that use the pipeline format's own grammars, so `--capacity-memory 16Gi` reads like a pipeline. */

export function durationMilliseconds(value: string): number {
  const parsed = parseDuration(value);
  if (!parsed.ok) throw new InvalidArgumentError(`${parsed.message}.`);
  if (parsed.value <= 0) throw new InvalidArgumentError(`Expected a duration above zero such as \`3s\` or \`500ms\`, got \`${value}\`.`);
  return parsed.value * 1000;
}

export function cpuCores(value: string): number {
  const parsed = parseCpu(value);
  if (!parsed.ok || parsed.value.kind !== 'fixed') throw new InvalidArgumentError(`Expected CPU cores such as \`8\`, \`0.5\` or \`500m\`, got \`${value}\`.`);
  return parsed.value.value;
}

export function memoryBytes(value: string): number {
  const parsed = parseMemory(value);
  if (!parsed.ok || parsed.value.kind !== 'fixed') throw new InvalidArgumentError(`Expected a memory size such as \`16Gi\` or \`512Mi\`, got \`${value}\`.`);
  return parsed.value.value;
}

export function wholeCount(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed)) throw new InvalidArgumentError(`Expected a whole number such as \`0\` or \`2\`, got \`${value}\`.`);
  return parsed;
}
