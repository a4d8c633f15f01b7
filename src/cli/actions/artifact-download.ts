import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { StoredArtifact } from '../../artifacts/artifact-store.js';
import { FileArtifactStore } from '../../artifacts/file-artifact-store.js';
import { isWithin } from '../../artifacts/output-paths.js';
import { resolveConfig } from '../../config/resolve-config.js';
import { TerminalError } from '../../errors.js';

interface DownloadFlags {
  executionId: string;
  artifact: string;
  task?: string;
  output: string;
  workdir?: string;
}

interface DownloadAllFlags {
  executionId: string;
  output: string;
  workdir?: string;
}

/** `artifact download`: one stored artifact, checked against its sha256, to a file or into a directory. */
export async function downloadArtifact(flags: DownloadFlags): Promise<void> {
  const { store, artifacts } = await openExecution(flags);
  const artifact = pickArtifact(artifacts, flags);
  // Like cp: an existing directory receives the file under its own name.
  const output = resolve(flags.output);
  const destination = (await stat(output).catch(() => undefined))?.isDirectory() ? join(output, basename(artifact.path)) : output;
  await store.copyTo(artifact, destination);
  process.stdout.write(`Downloaded ${artifact.path} (task ${artifact.task}, ${artifact.sizeBytes} bytes, sha256 ${artifact.sha256}) to ${destination}\n`);
}

/** `artifact download-all`: every artifact of an execution under its declared path. */
export async function downloadAllArtifacts(flags: DownloadAllFlags): Promise<void> {
  const { store, artifacts } = await openExecution(flags);
  const dir = resolve(flags.output);
  // All tasks of an execution write one output directory: a path stored twice is one file, the later copy.
  const byPath = new Map(artifacts.map((artifact) => [artifact.path, artifact]));
  const lines: string[] = [];
  for (const artifact of byPath.values()) {
    const destination = join(dir, artifact.path);
    if (!isWithin(dir, destination)) throw new TerminalError(`Artifact path \`${artifact.path}\` of execution ${flags.executionId} would land outside ${dir}; its index entry is damaged`);
    await store.copyTo(artifact, destination);
    lines.push(`  ${artifact.path}  ${artifact.sizeBytes} bytes  task ${artifact.task}`);
  }
  process.stdout.write(`Downloaded ${byPath.size} artifact${byPath.size === 1 ? '' : 's'} of execution ${flags.executionId} to ${dir}\n${lines.map((line) => `${line}\n`).join('')}`);
}

async function openExecution(flags: { executionId: string; workdir?: string }): Promise<{ store: FileArtifactStore; artifacts: StoredArtifact[] }> {
  const { config } = resolveConfig({ flags: { workdir: flags.workdir } });
  const root = join(config.workdir, 'artifacts');
  const store = new FileArtifactStore({ root });
  if (!(await store.hasExecution(flags.executionId))) {
    throw new TerminalError(`No artifacts are recorded for execution \`${flags.executionId}\` in ${root}. Check the id with \`orchestrate history list\`, or pass the --workdir the run used.`);
  }
  return { store, artifacts: await store.list({ executionId: flags.executionId }) };
}

/** By exact path, else by file name; `--task` narrows either. */
function pickArtifact(artifacts: readonly StoredArtifact[], flags: DownloadFlags): StoredArtifact {
  const ofTask = artifacts.filter((artifact) => flags.task === undefined || artifact.task === flags.task || artifact.task.endsWith(`.${flags.task}`));
  let matches = ofTask.filter((artifact) => artifact.path === flags.artifact);
  if (matches.length === 0) matches = ofTask.filter((artifact) => artifact.path.split('/').at(-1) === flags.artifact);
  if (matches.length === 1) return matches[0] as StoredArtifact;
  if (matches.length > 1) {
    throw new TerminalError(`\`${flags.artifact}\` matches artifacts of several tasks (${matches.map((artifact) => `${artifact.task}: ${artifact.path}`).join(', ')}); choose one with --task`);
  }
  const known = artifacts.map((artifact) => `${artifact.path} (task ${artifact.task})`);
  const scope = flags.task === undefined ? '' : ` from task ${flags.task}`;
  throw new TerminalError(`Execution ${flags.executionId} stored no artifact \`${flags.artifact}\`${scope}; it stored: ${known.length === 0 ? 'nothing' : known.join(', ')}`);
}
