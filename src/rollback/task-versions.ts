import { createHash } from 'node:crypto';
import { graphOfPipeline } from '../dag/pipeline-graph.js';
import { UsageError } from '../errors.js';
import { parsePipelineBlob, toRepositoryPath } from '../gitops/repository-paths.js';
import type { Source } from '../gitops/source.js';
import type { LoadResult } from '../spec/load-source.js';
import { referencedFiles } from '../spec/referenced-files.js';
import type { Pipeline } from '../spec/schema/pipeline.js';

/** A pipeline at one commit with the version of each of its tasks. */
export interface PipelineAtCommit {
  sha: string;
  /** Relative to the repository root. */
  file: string;
  pipeline: Pipeline;
  /** The file as read from Git and parsed: validating it in the checked-out tree need not read and parse it again. */
  parsed: LoadResult;
  /** `stage.task` → sha256 over the task's spec, the pipeline's variables and the files the task references. */
  taskVersions: ReadonlyMap<string, string>;
}

/**
 * Reads a pipeline file and the files its tasks reference straight from Git (no checkout) and
 * hashes each task on its own, so a rollback can tell which tasks would do the same work at
 * two commits: a changed script changes only the tasks that run it.
 */
export async function readPipelineAt(source: Source, sha: string, file: string): Promise<PipelineAtCommit> {
  const blob = (await source.readFiles(sha, [file])).get(file);
  const parsed = blob ? parsePipelineBlob(file, blob) : undefined;
  const pipeline = parsed?.pipeline;
  if (!parsed || !pipeline) throw new UsageError(`${file} at ${sha.slice(0, 12)} in ${source.display} is missing or does not match the pipeline schema; run \`orchestrate validate repo --head ${sha.slice(0, 12)}\``);
  const perTask = graphOfPipeline(pipeline).nodes.map((node) => ({
    id: node.id,
    task: node.task,
    // The task alone in a one-stage pipeline: what it references, hooks included.
    files: referencedFiles({ ...pipeline, notifications: undefined, stages: [{ ...node.stage, tasks: [node.task] }] }),
  }));
  const wanted = [...new Set(perTask.flatMap((entry) => entry.files).map(toRepositoryPath).filter((path): path is string => path !== undefined))];
  const contents = await source.readFiles(sha, wanted);
  const variables = JSON.stringify(pipeline.variables ?? {});
  const taskVersions = new Map<string, string>();
  for (const entry of perTask) {
    const hash = createHash('sha256').update(`${entry.id}\0${JSON.stringify(entry.task)}\0${variables}\n`);
    for (const path of entry.files) {
      const repositoryPath = toRepositoryPath(path);
      const content = repositoryPath === undefined ? undefined : contents.get(repositoryPath);
      hash.update(`${path}\0${content === undefined ? 'missing' : createHash('sha256').update(content).digest('hex')}\n`);
    }
    taskVersions.set(entry.id, `sha256:${hash.digest('hex')}`);
  }
  return { sha, file, pipeline, parsed: parsed.loaded, taskVersions };
}
