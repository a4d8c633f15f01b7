import type { CatFileSession } from './cat-file-session.js';

/**
 * Reads many files at one commit through the mirror's `git cat-file --batch`: one round trip
 * for the whole set, so reading the 3 files a change touches costs the same in a repository of
 * 1,000. A path missing at `sha`, or naming a directory or a submodule, is absent from the map.
 */
export async function readBlobs(objects: CatFileSession, sha: string, paths: readonly string[]): Promise<Map<string, Buffer>> {
  const wanted = [...new Set(paths)].filter((path) => path !== '' && !/[\n\r]/.test(path));
  const result = new Map<string, Buffer>();
  const found = await objects.read(wanted.map((path) => `${sha}:${path}`));
  wanted.forEach((path, index) => {
    const object = found[index];
    if (object?.type === 'blob') result.set(path, object.content);
  });
  return result;
}
