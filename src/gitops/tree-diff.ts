import { TransientError } from '../errors.js';
import type { CatFileSession } from './cat-file-session.js';
import type { ChangedFile } from './source.js';

interface TreeEntry {
  mode: string;
  sha: string;
}

const TREE_MODE = '40000';

/**
 * The files that differ between two commits, as `git diff --name-status --no-renames` lists them,
 * found by reading their trees through the mirror's `git cat-file`: only the subtrees whose ids
 * differ are opened, so one changed file among a thousand reads four trees. A reconcile asks
 * this on the way to every deployment, where a `git diff` process cost its spawn (3–7 ms of a
 * large controller's main thread) and git's start-up. A file that became a directory (or the
 * reverse) is deleted and added; a changed mode, symbolic link or submodule is modified.
 */
export async function diffCommits(objects: CatFileSession, base: string, head: string): Promise<ChangedFile[]> {
  const changed: ChangedFile[] = [];
  const [baseTree, headTree] = await objects.read([`${base}^{tree}`, `${head}^{tree}`]);
  if (baseTree?.type !== 'tree' || headTree?.type !== 'tree') throw new TransientError(`No commit ${baseTree?.type === 'tree' ? head : base} in the mirror to compare`);
  let level: { prefix: string; base?: string; head?: string }[] = baseTree.sha === headTree.sha ? [] : [{ prefix: '', base: baseTree.sha, head: headTree.sha }];
  // One round trip per depth: every differing subtree of a level is read at once.
  while (level.length > 0) {
    const names = level.flatMap((pair) => [pair.base, pair.head].filter((sha): sha is string => sha !== undefined));
    const trees = new Map<string, Map<string, TreeEntry>>();
    const read = await objects.read(names);
    names.forEach((sha, index) => trees.set(sha, parseTree(read[index]?.content, sha)));
    const next: typeof level = [];
    for (const pair of level) {
      const before = pair.base === undefined ? new Map<string, TreeEntry>() : (trees.get(pair.base) as Map<string, TreeEntry>);
      const after = pair.head === undefined ? new Map<string, TreeEntry>() : (trees.get(pair.head) as Map<string, TreeEntry>);
      for (const name of new Set([...before.keys(), ...after.keys()])) {
        const [was, is] = [before.get(name), after.get(name)];
        if (was && is && was.sha === is.sha && was.mode === is.mode) continue;
        const path = pair.prefix + name;
        const [wasTree, isTree] = [was?.mode === TREE_MODE, is?.mode === TREE_MODE];
        if (wasTree || isTree) next.push({ prefix: `${path}/`, ...(wasTree ? { base: was?.sha } : {}), ...(isTree ? { head: is?.sha } : {}) });
        if (was && !wasTree && is && !isTree) changed.push({ path, status: 'modified' });
        else if (was && !wasTree) changed.push({ path, status: 'deleted' });
        else if (is && !isTree) changed.push({ path, status: 'added' });
      }
    }
    level = next;
  }
  // git's order: by path, byte for byte.
  return changed.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
}

/** A tree object's entries by name: `<mode> <name>\0<binary id>` after one another. */
function parseTree(content: Buffer | undefined, sha: string): Map<string, TreeEntry> {
  if (!content) throw new TransientError(`Tree ${sha} is missing from the mirror`);
  const idLength = sha.length / 2;
  const entries = new Map<string, TreeEntry>();
  let offset = 0;
  while (offset < content.length) {
    const space = content.indexOf(0x20, offset);
    const nul = content.indexOf(0x00, space);
    if (space === -1 || nul === -1 || nul + 1 + idLength > content.length) throw new TransientError(`Tree ${sha} in the mirror is damaged`);
    const mode = content.toString('latin1', offset, space);
    entries.set(content.toString('utf8', space + 1, nul), { mode, sha: content.toString('hex', nul + 1, nul + 1 + idLength) });
    offset = nul + 1 + idLength;
  }
  return entries;
}
