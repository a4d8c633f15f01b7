import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { CatFileSession } from './cat-file-session.js';
import { extractTree, updateTree } from './extract-tree.js';
import { gitFailure, openGit, runSilentGit } from './git-env.js';
import { readBlobs } from './read-blobs.js';
import { RefUpdateSession } from './ref-update-session.js';
import { diffCommits } from './tree-diff.js';
import { locateRepository, type RepositoryLocation } from './repository-location.js';
import type { ChangedFile, Source } from './source.js';

export interface GitSourceOptions {
  /** `--repo`: a local path, `file://`, `https://` (token in `ORCHESTRATE_GIT_TOKEN`) or ssh URL. */
  repo: string;
  /** The work directory; the mirror lives in `<workdir>/repos/<stable-name>.git`. */
  workdir: string;
  /** @defaultValue process.env */
  env?: NodeJS.ProcessEnv;
}

const FULL_SHA = /^[0-9a-f]{40}$/;
/** A plain branch or tag name (`main`, `release/2.1`, `v1.0`): nothing `rev-parse` would read as an expression. */
const PLAIN_NAME = /^(?!.*\.\.)(?!-)[A-Za-z0-9._/-]+(?<![./])$/;
const REMOTE_HEAD = 'refs/orchestrate/remote-head';
export const PIN_PREFIX = 'refs/orchestrate/pins/';
const LOCK_RETRIES = 5;
/** Diffs kept: a reconcile asks for base..head, then its spare tree for the same pair. */
const KEPT_DIFFS = 16;

/**
 * A `Source` over a bare mirror of the repository, kept with the system git: reads of objects,
 * names and trees through one long-lived `git cat-file`, pins through one `git update-ref
 * --stdin`, fetches and checkouts a git process each.
 */
export class GitSource implements Source {
  readonly display: string;
  /** Absolute path of the bare mirror. */
  readonly mirror: string;
  private readonly location: RepositoryLocation;
  private initialized = false;
  private readonly pinned = new Set<string>();
  /** Full SHAs of commits seen in the mirror; the mirror only drops objects in a gc, which pins and `pin` guard against. */
  private readonly present = new Set<string>();
  private readonly objects: CatFileSession;
  private readonly refs: RefUpdateSession;
  /** Two commits differ the same way forever. */
  private readonly diffs = new Map<string, Promise<ChangedFile[]>>();

  constructor(options: GitSourceOptions) {
    this.location = locateRepository(options.repo, options.env);
    this.display = this.location.display;
    this.mirror = resolve(options.workdir, 'repos', `${this.location.stableName}.git`);
    this.objects = new CatFileSession(this.mirror, this.location);
    this.refs = new RefUpdateSession(this.mirror, this.location);
  }

  /** Ends the mirror's long-lived git processes; a later read or pin starts them again. */
  close(): void {
    this.objects.close();
    this.refs.close();
  }

  async fetch(ref?: string): Promise<string> {
    await this.ensureMirror();
    // Explicit refspecs, so `--prune` only ever touches branches and tags: pins are never pruned.
    const refspecs = ['+HEAD:' + REMOTE_HEAD, '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'];
    for (let attempt = 1; ; attempt++) {
      try {
        await runSilentGit(this.mirror, this.location, ['fetch', '--prune', '--quiet', '--no-write-fetch-head', '--', this.location.fetchUrl, ...refspecs]);
        break;
      } catch (error) {
        // Two processes fetching into one mirror race for its ref locks; the loser only has to wait.
        if (attempt < LOCK_RETRIES && /cannot lock ref|\.lock': File exists/i.test(String(error))) {
          await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
          continue;
        }
        throw gitFailure('git fetch', this.location, error);
      }
    }
    // Branches and tags were just fetched under their own names, so one `rev-parse` in the mirror
    // finds them as the remote would; an expression (`HEAD~1`, `origin/main`) resolves as usual.
    const fetched = ref === undefined ? REMOTE_HEAD : PLAIN_NAME.test(ref) && !ref.startsWith('HEAD') ? ref : undefined;
    return (fetched && (await this.revParse(fetched))) || this.resolve(ref ?? 'HEAD');
  }

  async resolve(ref: string): Promise<string> {
    if (ref === '' || ref.startsWith('-') || /[\s\0]/.test(ref)) throw new UsageError(`\`${ref}\` is not a branch, tag or SHA`);
    await this.ensureMirror();
    // A full SHA names the same commit everywhere: when the mirror holds it, nothing else needs asking.
    if (FULL_SHA.test(ref) && (this.present.has(ref) || (await this.revParse(ref)) === ref)) {
      this.present.add(ref);
      return ref;
    }
    let sha = this.location.local ? await this.revParse(ref, this.location.fetchUrl) : undefined;
    // `HEAD~1` of a remote means its default branch's parent.
    sha ??= await this.revParse(ref.replace(/^HEAD(?=$|[~^@])/, REMOTE_HEAD));
    if ((!sha || !(await this.revParse(sha))) && FULL_SHA.test(sha ?? ref)) {
      // Not in the mirror yet, or a commit no branch holds any more (a force-push): servers still serve it by SHA.
      const wanted = sha ?? ref;
      await runSilentGit(this.mirror, this.location, ['fetch', '--quiet', '--no-write-fetch-head', '--', this.location.fetchUrl, wanted]).catch(() => undefined);
      sha = await this.revParse(wanted);
    }
    if (!sha) throw new UsageError(`No commit \`${ref}\` in ${this.display}; check the branch, tag or SHA (and that it was pushed)`);
    this.present.add(sha);
    return sha;
  }

  async diff(base: string, head: string): Promise<ChangedFile[]> {
    const key = `${base}..${head}`;
    const known = this.diffs.get(key);
    if (known) return known;
    const found = this.ensureMirror().then(() => diffCommits(this.objects, base, head));
    // Only full SHAs name the same commits next time; a failure is not kept either.
    if (FULL_SHA.test(base) && FULL_SHA.test(head)) {
      this.diffs.set(key, found);
      found.catch(() => this.diffs.delete(key));
      if (this.diffs.size > KEPT_DIFFS) this.diffs.delete(this.diffs.keys().next().value as string);
    }
    return found;
  }

  async checkout(sha: string, dir: string, options: { pin?: boolean } = {}): Promise<void> {
    if (options.pin !== false) await this.pin(sha);
    await extractTree(this.mirror, this.location, sha, dir);
  }

  async updateTree(sha: string, dir: string, index: string, from?: string): Promise<void> {
    const changed = from === undefined ? undefined : (await this.diff(from, sha)).map((file) => file.path);
    return updateTree(this.mirror, this.location, sha, dir, index, changed);
  }

  async pin(sha: string): Promise<void> {
    if (!FULL_SHA.test(sha)) throw new UsageError(`Only full SHAs are pinned, got \`${sha}\`; resolve the name first`);
    // Pins are never removed, so one made by this process stands: a deploy and its runs pin once.
    if (this.pinned.has(sha)) return;
    const pin = async () => {
      await this.ensureMirror();
      await this.refs.update(`${PIN_PREFIX}${sha}`, sha).catch((error: unknown) => {
        throw gitFailure('git update-ref', this.location, error);
      });
    };
    // `update-ref` refuses an object the mirror lacks; only then fetch it by SHA, or name it clearly when nobody has it.
    await pin().catch(async () => {
      // Gone since it was seen (a gc of the mirror): look again, fetching it by SHA if need be.
      this.present.delete(sha);
      await this.resolve(sha);
      await pin();
    });
    this.pinned.add(sha);
  }

  async readFiles(sha: string, paths: readonly string[]): Promise<Map<string, Buffer>> {
    await this.ensureMirror();
    return readBlobs(this.objects, sha, paths);
  }

  async listFiles(sha: string, dir: string): Promise<string[]> {
    const output = await this.run('git ls-tree', ['ls-tree', '-r', '-z', '--name-only', '--full-tree', sha, '--', ...(dir ? [dir] : [])]);
    return output.split('\0').filter((path) => path !== '').sort();
  }

  async grepFiles(sha: string, dir: string, needles: readonly string[]): Promise<string[]> {
    if (needles.length === 0) return [];
    // Exit status 1 (nothing found) comes back as empty output.
    const output = await this.run('git grep', ['grep', '-l', '-z', '-F', '--full-name', ...needles.flatMap((needle) => ['-e', needle]), sha, '--', ...(dir ? [dir] : [])]);
    const prefix = `${sha}:`;
    return output.split('\0').filter((entry) => entry !== '').map((entry) => (entry.startsWith(prefix) ? entry.slice(prefix.length) : entry)).sort();
  }

  async commitDate(sha: string): Promise<Date> {
    await this.ensureMirror();
    const [commit] = await this.objects.read([`${sha}^{commit}`]);
    // `committer <name> <email> <seconds since the epoch> <zone>`: the instant is the seconds.
    const seconds = commit && /^committer .* (\d+) [+-]\d{4}$/m.exec(commit.content.toString('utf8'))?.[1];
    if (!seconds) throw new UsageError(`No commit \`${sha}\` in ${this.display}`);
    return new Date(Number(seconds) * 1000);
  }

  /** The commit `name` points at, in the mirror or (for a local repository) in `repository`. */
  private async revParse(name: string, repository = this.mirror): Promise<string | undefined> {
    if (repository === this.mirror) {
      const [commit] = await this.objects.read([`${name}^{commit}`]);
      return commit?.type === 'commit' ? commit.sha : undefined;
    }
    const output = await (await openGit(repository, this.location)).raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${name}^{commit}`]).catch(() => '');
    const sha = output.trim();
    return FULL_SHA.test(sha) ? sha : undefined;
  }

  private async ensureMirror(): Promise<void> {
    if (this.initialized) return;
    if (!existsSync(join(this.mirror, 'HEAD'))) {
      // Created beside and renamed into place: a second process starting at the same moment
      // either sees no mirror or a complete one, never a half-written config.
      const parent = dirname(this.mirror);
      const staging = `${this.mirror}.init-${randomUUID()}`;
      mkdirSync(parent, { recursive: true });
      try {
        await (await openGit(parent, this.location)).raw(['init', '--bare', '--quiet', staging]);
        renameSync(staging, this.mirror);
      } catch (error) {
        rmSync(staging, { recursive: true, force: true });
        if (!existsSync(join(this.mirror, 'HEAD'))) throw gitFailure('Creating the mirror', this.location, error);
      }
    }
    this.initialized = true;
  }

  private async run(step: string, args: string[]): Promise<string> {
    await this.ensureMirror();
    try {
      return await (await openGit(this.mirror, this.location)).raw(args);
    } catch (error) {
      throw gitFailure(step, this.location, error);
    }
  }
}
