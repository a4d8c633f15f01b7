import { formatDuration } from '../../spec/quantities.js';

/** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '';
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] as number))).join('  ').trimEnd()).join('\n') + '\n';
}

/** `2024-01-15 10:30 UTC`, the seed's history format; `-` for a time that has not happened. */
export function formatMinute(iso: string | null | undefined): string {
  if (!iso) return '-';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Seconds between two wall clocks as `2h45m`; `-` when either is missing. */
export function formatSpan(start: string | null | undefined, end: string | null | undefined): string {
  if (!start || !end) return '-';
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) && ms >= 0 ? formatDuration(ms / 1000) : '-';
}
