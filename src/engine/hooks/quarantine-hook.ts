import { cp, lstat, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configString, executionDirectory, type HookCall, type HookOutcome } from './hook-call.js';

/**
 * `quarantine`: moves the task's declared outputs (`output_artifacts` paths, rendered, relative
 * to its OUTPUT_DIR) out of the way, so nothing downstream or later picks up bad data. They go
 * to `<workdir>/executions/<id>/quarantine/<stage.task>/`, or under `config.destination` when
 * that is a local directory (an absolute path, a `file://` URL, or a path relative to the work
 * directory). Remote destinations (`s3://` …) are not built yet: the files stay in the local
 * quarantine and the message says so. Outputs that do not exist are listed, not an error.
 */
export async function runQuarantineHook(call: HookCall): Promise<HookOutcome> {
  const planned = call.input.task;
  if (!planned) return { status: 'failed', message: 'A `quarantine` hook moves a task\'s outputs, so it belongs in a task\'s `on_failure`; at pipeline level there is nothing to move' };
  const outputDir = call.input.spec?.env.OUTPUT_DIR ?? join(executionDirectory(call), 'output');
  const { root, note } = destinationOf(call);
  const target = join(root, planned.id);
  const moved: string[] = [];
  const missing: string[] = [];
  const failed: string[] = [];
  for (const artifact of planned.task.output_artifacts ?? []) {
    const source = resolve(outputDir, call.render(artifact.path));
    const name = placeOf(outputDir, source);
    const exists = await lstat(source).then(
      () => true,
      () => false,
    );
    if (!exists) {
      missing.push(name);
      continue;
    }
    try {
      await move(source, join(target, name));
      moved.push(name);
    } catch (error) {
      failed.push(`${name} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  const parts = [
    moved.length > 0 ? `moved ${moved.join(', ')} to ${target}` : 'nothing to move',
    missing.length > 0 ? `missing: ${missing.join(', ')}` : undefined,
    failed.length > 0 ? `could not move: ${failed.join(', ')}` : undefined,
    note,
  ];
  return { status: failed.length > 0 ? 'failed' : 'sent', message: parts.filter(Boolean).join('; ') };
}

function destinationOf(call: HookCall): { root: string; note?: string } {
  const local = join(executionDirectory(call), 'quarantine');
  const configured = configString(call, 'destination');
  if (!configured) return { root: local };
  const destination = call.render(configured);
  if (destination.startsWith('file://')) return { root: fileURLToPath(destination) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(destination)) {
    return { root: local, note: `the destination ${destination} is remote, which is not supported yet; the files are kept in the local quarantine` };
  }
  if (isAbsolute(destination)) return { root: destination };
  return { root: resolve(call.options.workdir, destination) };
}

/** Where a file goes inside the task's quarantine: its path under OUTPUT_DIR, or its absolute path without the leading `/`, so two outputs never collide. */
function placeOf(outputDir: string, source: string): string {
  const inside = relative(outputDir, source);
  if (inside && !inside.startsWith('..') && !isAbsolute(inside)) return inside;
  return source.split(sep).filter(Boolean).join(sep);
}

/** A rename, or copy-then-delete when the quarantine is on another file system. */
async function move(source: string, destination: string): Promise<void> {
  await mkdir(dirname(destination), { recursive: true });
  try {
    await rename(source, destination);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await cp(source, destination, { recursive: true, errorOnExist: false, force: true });
    await rm(source, { recursive: true, force: true });
  }
}
