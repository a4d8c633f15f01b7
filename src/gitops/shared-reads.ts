import type { Source } from './source.js';

/**
 * `source`, with reads at a commit shared: a request for paths an earlier request covers is
 * answered from that one's result instead of another `git cat-file`. Validation and versions ask
 * for the same pipelines and scripts at once, and each process spawned costs the reconcile time.
 */
export function sharingReads(source: Source): Source {
  const reads: { sha: string; paths: ReadonlySet<string>; result: Promise<Map<string, Buffer>> }[] = [];
  const readFiles = (sha: string, paths: readonly string[]): Promise<Map<string, Buffer>> => {
    const covering = reads.find((read) => read.sha === sha && paths.every((path) => read.paths.has(path)));
    if (covering) return covering.result.then((all) => new Map(paths.flatMap((path) => (all.has(path) ? [[path, all.get(path) as Buffer] as const] : []))));
    const result = source.readFiles(sha, paths);
    reads.push({ sha, paths: new Set(paths), result });
    return result;
  };
  // An empty target: the source's own properties may be read-only, which a proxy of it must report as they are.
  return new Proxy({} as Source, {
    get(_target, property) {
      if (property === 'readFiles') return readFiles;
      const value: unknown = Reflect.get(source, property, source);
      return typeof value === 'function' ? value.bind(source) : value;
    },
  });
}
