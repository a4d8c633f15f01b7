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
    const trees = new Map<string, Buffer>();
    const read = await objects.read(names);
    names.forEach((sha, index) => {
      const content = read[index]?.content;
      if (!content) throw new TransientError(`Tree ${sha} is missing from the mirror`);
      trees.set(sha, content);
    });
    const next: typeof level = [];
    for (const pair of level) {
      const [before, after] = differingEntries(pair.base, pair.base === undefined ? undefined : trees.get(pair.base), pair.head, pair.head === undefined ? undefined : trees.get(pair.head));
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

/**
 * The entries of two trees by name, leaving out the runs they share at the start and at the end:
 * entries are sorted, so one changed file among a thousand leaves one entry on each side to
 * decode, and the other 999 are compared as bytes.
 */
function differingEntries(baseSha: string | undefined, base: Buffer | undefined, headSha: string | undefined, head: Buffer | undefined): [Map<string, TreeEntry>, Map<string, TreeEntry>] {
  const a = base && baseSha ? entryBounds(base, baseSha) : [0];
  const b = head && headSha ? entryBounds(head, headSha) : [0];
  const same = (i: number, j: number) => a[i + 1]! - a[i]! === b[j + 1]! - b[j]! && (base as Buffer).compare(head as Buffer, b[j], b[j + 1], a[i], a[i + 1]) === 0;
  const [countA, countB] = [a.length - 1, b.length - 1];
  let first = 0;
  while (first < countA && first < countB && same(first, first)) first++;
  let last = 0;
  while (last < countA - first && last < countB - first && same(countA - 1 - last, countB - 1 - last)) last++;
  return [decode(base, baseSha, a, first, countA - last), decode(head, headSha, b, first, countB - last)];
}

/** Where each `<mode> <name>\0<binary id>` entry of a tree object starts, and where the last ends. */
function entryBounds(content: Buffer, sha: string): number[] {
  const idLength = sha.length / 2;
  const bounds = [0];
  for (let offset = 0; offset < content.length; ) {
    const nul = content.indexOf(0x00, offset);
    if (nul === -1 || nul + 1 + idLength > content.length) throw new TransientError(`Tree ${sha} in the mirror is damaged`);
    offset = nul + 1 + idLength;
    bounds.push(offset);
  }
  return bounds;
}

function decode(content: Buffer | undefined, sha: string | undefined, bounds: readonly number[], from: number, to: number): Map<string, TreeEntry> {
  const entries = new Map<string, TreeEntry>();
  if (!content || !sha) return entries;
  for (let index = from; index < to; index++) {
    const start = bounds[index] as number;
    const end = bounds[index + 1] as number;
    const space = content.indexOf(0x20, start);
    const nul = content.indexOf(0x00, space);
    if (space === -1 || space > nul) throw new TransientError(`Tree ${sha} in the mirror is damaged`);
    entries.set(content.toString('utf8', space + 1, nul), { mode: content.toString('latin1', start, space), sha: content.toString('hex', nul + 1, end) });
  }
  return entries;
}
