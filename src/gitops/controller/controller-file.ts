import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `<workdir>/controller.json`: how `controller sync` and `deploy` commands find a running controller. */
export interface ControllerFile {
  url: string;
  pid: number;
  /** The repository as it may be shown (never with credentials). */
  repository: string;
  branch: string;
  owner: string;
  started_at: string;
}

export function controllerFilePath(workdir: string): string {
  return join(workdir, 'controller.json');
}

/** Written whole through a rename, so a reader never sees half a file. */
export function writeControllerFile(workdir: string, file: ControllerFile): void {
  const path = controllerFilePath(workdir);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

/** The running controller's file, or undefined when there is none (or it is not ours to read). */
export function readControllerFile(workdir: string): ControllerFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(controllerFilePath(workdir), 'utf8')) as Partial<ControllerFile>;
    if (typeof parsed.url !== 'string' || typeof parsed.repository !== 'string' || typeof parsed.branch !== 'string') return undefined;
    return parsed as ControllerFile;
  } catch {
    return undefined;
  }
}

/** Removes the file only when it is still this controller's: a newer one may have replaced it. */
export function removeControllerFile(workdir: string, owner: string): void {
  if (readControllerFile(workdir)?.owner === owner) rmSync(controllerFilePath(workdir), { force: true });
}
