import { isRecord } from '../spec/task-entries.js';
import type { ParsedBlob } from './repository-paths.js';

/** The pipeline-level dependencies of seed 003: by pipeline name, and by dataset. */
export interface PipelineLinks {
  name?: string;
  dependsOn: string[];
  requires: string[];
  provides: string[];
}

/** Read tolerantly from the raw value: a pipeline that fails the schema still names what it depends on. */
export function linksOf(blob: ParsedBlob | undefined): PipelineLinks {
  const value = isRecord(blob?.value) ? blob.value : {};
  const strings = (list: unknown) => (Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : []);
  return {
    name: typeof value.name === 'string' ? value.name : undefined,
    dependsOn: strings(value.depends_on),
    requires: strings(value.requires),
    provides: strings(value.provides),
  };
}

/** Why `downstream` depends on `upstream`, or `undefined` when it does not. */
export function dependencyReason(downstream: PipelineLinks, upstream: PipelineLinks): string | undefined {
  if (upstream.name !== undefined && downstream.dependsOn.includes(upstream.name)) return `depends on \`${upstream.name}\``;
  const dataset = downstream.requires.find((required) => upstream.provides.includes(required));
  if (dataset !== undefined) return `requires \`${dataset}\`${upstream.name ? ` from \`${upstream.name}\`` : ''}`;
  return undefined;
}
