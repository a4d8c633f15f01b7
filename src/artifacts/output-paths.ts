import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** Where a declared artifact path lands, or why it may not be used. */
export type ResolvedOutput = { ok: true; file: string } | { ok: false; reason: string };

/**
 * Resolves a rendered artifact path against the execution's output directory. Absolute paths
 * and `..` that leave the directory are refused, and so is a symlink that points out of it:
 * a task must not be able to make the store read (or a download write) files it does not own.
 */
export async function resolveInside(outputDir: string, path: string): Promise<ResolvedOutput> {
  if (isAbsolute(path)) {
    return { ok: false, reason: `\`${path}\` is absolute, but artifact paths are relative to the execution's output directory ($OUTPUT_DIR)` };
  }
  const file = resolve(outputDir, path);
  if (!isWithin(outputDir, file) || file === resolve(outputDir)) {
    return { ok: false, reason: `\`${path}\` points outside the execution's output directory ${outputDir}` };
  }
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    return { ok: true, file };
  }
  const realDir = await realpath(outputDir);
  if (!isWithin(realDir, real)) {
    return { ok: false, reason: `\`${path}\` is a link to ${real}, outside the execution's output directory ${outputDir}` };
  }
  return { ok: true, file };
}

/** True when `file` is `dir` itself or below it. */
export function isWithin(dir: string, file: string): boolean {
  const rel = relative(resolve(dir), resolve(file));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
