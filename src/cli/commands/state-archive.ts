import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { FileArtifactStore } from '../../artifacts/file-artifact-store.js';
import { UsageError } from '../../errors.js';
import { archiveExecution, type ArchiveFormat, type ArchivedFile } from '../../state/archive.js';
import { formatBytes } from '../../spec/quantities.js';
import { ageMilliseconds } from './state-age.js';
import { addStoreOptions, listAll, openStores, readExecution, type StoreFlags } from './state-options.js';

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

export function stateArchiveCommand(): Command {
  return addStoreOptions(
    new Command('archive')
      .description('Copy executions out of the state store into a local directory, one folder per execution (the store keeps them).')
      .option('--execution-id <id>', 'the execution to archive')
      .option('--older-than <duration>', 'or every execution created longer ago than this, such as 30d', ageMilliseconds)
      .requiredOption('--destination <dir>', 'local directory that receives `<execution-id>/…`')
      .addOption(new Option('--format <format>', 'json: the folded state; ndjson: every ledger event; csv: one row per task').choices(['json', 'ndjson', 'csv']).default('json'))
      .option('--compress', 'gzip every file (.gz)')
      .option('--include-logs', 'add the task output (already redacted) as logs.ndjson')
      .option('--include-artifacts', 'copy the stored artifacts, checked against their sha256, under artifacts/<task>/')
      .option('--dry-run', 'list the files that would be written, write nothing'),
  )
    .addHelpText('after', `
Exit status: 0 when archived, 1 when the execution is missing, 2 on usage errors.

Examples:
  orchestrate state archive --execution-id 3f2c… --destination ./archive --format ndjson --compress --include-logs
  orchestrate state archive --older-than 30d --destination /backup/orchestration`)
    .action(async (flags: StateArchiveFlags) => {
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
    });
}
