import { join, resolve } from 'node:path';
import { FileArtifactStore } from '../../artifacts/file-artifact-store.js';
import { UsageError } from '../../errors.js';
import { archiveExecution, type ArchiveFormat, type ArchivedFile } from '../../state/archive.js';
import { formatBytes } from '../../spec/quantities.js';
import { listAll, openStores, readExecution, type StoreFlags } from './state-options.js';

interface StateArchiveFlags extends StoreFlags {
  executionId?: string;
  olderThan?: number;
  destination: string;
  format: ArchiveFormat;
  compress?: boolean;
  includeLogs?: boolean;
  includeArtifacts?: boolean;
  dryRun?: boolean;
}

/** `state archive`: copies executions out of the store, which keeps them. */
export async function archiveState(flags: StateArchiveFlags): Promise<void> {
  if ((flags.executionId === undefined) === (flags.olderThan === undefined)) {
    throw new UsageError('Say what to archive: pass either --execution-id <id> or --older-than <duration> (such as 30d), not both.');
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(flags.destination)) {
    throw new UsageError(`Expected --destination to be a local directory, got \`${flags.destination}\`: remote stores (s3://, gs://) are not supported; archive to a directory and copy it with your storage tool.`);
  }
  await using stores = await openStores(flags);
  const ids =
    flags.executionId !== undefined
      ? [flags.executionId]
      : (await listAll(stores.state, {})).filter((summary) => Date.parse(summary.created_at) < Date.now() - (flags.olderThan as number)).map((summary) => summary.execution_id);
  const artifacts = flags.includeArtifacts ? new FileArtifactStore({ root: join(stores.loaded.config.workdir, 'artifacts') }) : undefined;
  const destination = resolve(flags.destination);
  const files: ArchivedFile[] = [];
  for (const executionId of ids) {
    files.push(
      ...(await archiveExecution({
        executionId,
        events: await readExecution(stores, executionId),
        destination,
        format: flags.format,
        compress: flags.compress === true,
        dryRun: flags.dryRun === true,
        ...(flags.includeLogs ? { logs: await (await stores.logs()).read(executionId) } : {}),
        ...(artifacts ? { artifacts } : {}),
      })),
    );
  }
  const verb = flags.dryRun ? 'Dry run: would write' : 'Wrote';
  const executions = ids.length === 1 ? '1 execution' : `${ids.length} executions`;
  process.stdout.write(`${verb} ${files.length} file${files.length === 1 ? '' : 's'} for ${executions} to ${destination}\n${files.map((file) => `  ${file.path}  ${formatBytes(file.bytes)}`).join('\n')}${files.length > 0 ? '\n' : ''}`);
}
