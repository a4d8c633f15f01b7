import { UsageError } from '../errors.js';
import { didYouMean } from '../validate/suggest.js';
import type { Source } from './source.js';
import { versionsAt, type PipelineVersion } from './versions.js';

/** The version of the pipeline named `name` at `sha`; a clear error naming the others when there is none. */
export async function findPipelineVersion(source: Source, sha: string, name: string, pipelinesDir = 'pipelines'): Promise<PipelineVersion> {
  const { versions, unversioned } = await versionsAt(source, sha, { pipelinesDir });
  const matches = versions.filter((version) => version.name === name);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new UsageError(`Pipeline \`${name}\` is defined twice at ${sha.slice(0, 12)}: ${matches.map((m) => m.file).join(', ')}; rename one`);
  const invalid = unversioned.length > 0 ? `; ${unversioned.map((file) => file.file).join(', ')} ${unversioned.length === 1 ? 'does' : 'do'} not match the schema` : '';
  throw new UsageError(`No pipeline \`${name}\` under ${pipelinesDir}/ at ${sha.slice(0, 12)}${didYouMean(name, versions.map((version) => version.name))}${invalid}`);
}
