import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveProgram } from './resolve-program.js';

/** What cgroup v2 offers attempts on this machine. */
export interface CgroupSupport {
  /** The cgroup v2 directory each attempt's own cgroup is created in. */
  parent: string;
  /** The memory controller is enabled for attempt cgroups: `memory.max` enforces limits. */
  memoryLimit: boolean;
  /** `memory.peak` exists (Linux ≥ 5.19 with the memory controller): exact peak memory of the tree. */
  memoryPeak: boolean;
  /** `cgroup.kill` exists (Linux ≥ 5.14): also kills processes that left the task's process group. */
  kill: boolean;
}

/** What the local process runner can use on this machine; see docs/executors.md. */
export interface ProcessSupport {
  /** Absent when cgroup v2 is not mounted or not writable: usage is then sampled from /proc. */
  cgroup?: CgroupSupport;
  /** Path of `prlimit`, used for memory limits (`--as`) when cgroups cannot enforce them. */
  prlimit?: string;
  /** Why a capability is missing, in words, for logs and `--check-resources`. */
  notes: string[];
}

export interface DetectOptions {
  /** A delegated cgroup v2 directory to create attempt cgroups in. @defaultValue the orchestrator's own cgroup */
  cgroupParent?: string;
  /** Where `prlimit` is looked up. @defaultValue `process.env.PATH` */
  searchPath?: string;
}

/**
 * Probes the machine once, at start-up: is cgroup v2 mounted, can we create a cgroup and move a
 * process into it (a real `sh` is moved, since permission bits do not tell the whole story under
 * delegation and namespaces), is the memory controller available, is `prlimit` on PATH.
 */
export function detectProcessSupport(options: DetectOptions = {}): ProcessSupport {
  if (isDefault(options) && probedDefault) return probedDefault;
  const notes: string[] = [];
  const probe = startProbe(options.cgroupParent ?? ownCgroupDirectory(notes), notes);
  const moved = probe && spawnSync('/bin/sh', moveArgs(probe.dir), { stdio: 'ignore' }).status === 0;
  return remember(options, finishSupport(probe, moved === true, options, notes));
}

/**
 * The same probe without blocking: a command that will run tasks starts it first thing, so the
 * probe's shell runs while the command resolves commits and plans, and `detectProcessSupport()`
 * then answers from what it found.
 */
export async function primeProcessSupport(): Promise<ProcessSupport> {
  if (probedDefault) return probedDefault;
  priming ??= (async () => {
    const notes: string[] = [];
    const probe = startProbe(ownCgroupDirectory(notes), notes);
    const moved = probe && (await new Promise<boolean>((resolve) => {
      const child = spawn('/bin/sh', moveArgs(probe.dir), { stdio: 'ignore' });
      child.once('error', () => resolve(false));
      child.once('exit', (code) => resolve(code === 0));
    }));
    return remember({}, finishSupport(probe, moved === true, {}, notes));
  })();
  return priming;
}

/** What the default probe found (the machine does not change under a running process), once known. */
let probedDefault: ProcessSupport | undefined;
let priming: Promise<ProcessSupport> | undefined;

function isDefault(options: DetectOptions): boolean {
  return options.cgroupParent === undefined && options.searchPath === undefined;
}

function remember(options: DetectOptions, support: ProcessSupport): ProcessSupport {
  if (isDefault(options)) probedDefault ??= support;
  return support;
}

function finishSupport(probe: Probe | undefined, moved: boolean, options: DetectOptions, notes: string[]): ProcessSupport {
  const cgroup = probe && finishProbe(probe, moved, notes);
  const prlimit = resolveProgram('prlimit', options.searchPath ?? process.env.PATH ?? '', '/');
  if (!prlimit.ok) notes.push('prlimit is not on PATH: memory limits cannot be enforced without the cgroup memory controller');
  return { ...(cgroup ? { cgroup } : {}), ...(prlimit.ok ? { prlimit: prlimit.path } : {}), notes };
}

/** `<cgroup2 mount>/<this process's cgroup>`, from /proc/self/mountinfo and /proc/self/cgroup. */
function ownCgroupDirectory(notes: string[]): string | undefined {
  let mountinfo: string;
  let membership: string;
  try {
    mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
    membership = readFileSync('/proc/self/cgroup', 'utf8');
  } catch {
    notes.push('/proc/self/mountinfo is not readable: not Linux, or /proc is not mounted');
    return undefined;
  }
  const own = membership.split('\n').find((line) => line.startsWith('0::'))?.slice(3);
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (right?.split(' ')[0] !== 'cgroup2' || !left || own === undefined) continue;
    const fields = left.split(' ');
    const root = unescapeMountPath(fields[3] ?? '/');
    const mountPoint = unescapeMountPath(fields[4] ?? '');
    if (root !== '/' && !own.startsWith(root)) continue;
    // join('/sys/fs/cgroup', '/') keeps a trailing slash; attempt cgroup paths read better without it.
    return join(mountPoint, root === '/' ? own : own.slice(root.length)).replace(/(.)\/$/, '$1');
  }
  notes.push('cgroup v2 is not mounted (or this process is not in it): resource usage is sampled from /proc');
  return undefined;
}

/** A cgroup made to try moving a real `sh` into: permission bits do not tell the whole story under delegation and namespaces. */
interface Probe {
  parent: string;
  dir: string;
  memoryLimit: boolean;
}

function startProbe(parent: string | undefined, notes: string[]): Probe | undefined {
  if (parent === undefined) return undefined;
  if (!existsSync(join(parent, 'cgroup.procs'))) {
    notes.push(`${parent} is not a cgroup v2 directory`);
    return undefined;
  }
  const memoryLimit = enableMemoryController(parent, notes);
  const dir = join(parent, `auto-orchestrator-probe-${process.pid}-${++probes}`);
  try {
    mkdirSync(dir);
  } catch (error) {
    notes.push(`cannot create a cgroup under ${parent} (${(error as NodeJS.ErrnoException).code}): resource usage is sampled from /proc`);
    return undefined;
  }
  return { parent, dir, memoryLimit };
}

let probes = 0;

/** The probe shell's argv: it moves itself into the probe cgroup, as each task's shell will. */
function moveArgs(dir: string): string[] {
  return ['-c', 'echo 0 > "$0"', join(dir, 'cgroup.procs')];
}

function finishProbe(probe: Probe, moved: boolean, notes: string[]): CgroupSupport | undefined {
  try {
    if (!moved) {
      notes.push(`cannot move a process into a cgroup under ${probe.parent}: resource usage is sampled from /proc`);
      return undefined;
    }
    return {
      parent: probe.parent,
      memoryLimit: probe.memoryLimit && existsSync(join(probe.dir, 'memory.max')),
      memoryPeak: existsSync(join(probe.dir, 'memory.peak')),
      kill: existsSync(join(probe.dir, 'cgroup.kill')),
    };
  } finally {
    try {
      rmdirSync(probe.dir);
    } catch {
      // The probe shell has exited, so this only fails if someone else uses the directory.
    }
  }
}

/** Child cgroups get `memory.*` only if the parent delegates the controller to them. */
function enableMemoryController(parent: string, notes: string[]): boolean {
  const read = (file: string) => {
    try {
      return readFileSync(join(parent, file), 'utf8').split(/\s+/);
    } catch {
      return [];
    }
  };
  if (read('cgroup.subtree_control').includes('memory')) return true;
  if (!read('cgroup.controllers').includes('memory')) {
    notes.push(`the cgroup v2 memory controller is not available in ${parent} (on a hybrid cgroup v1/v2 host it is bound to v1): memory limits fall back to prlimit, peak memory is sampled from /proc`);
    return false;
  }
  try {
    writeFileSync(join(parent, 'cgroup.subtree_control'), '+memory');
    return true;
  } catch (error) {
    // EBUSY: the parent holds processes (the orchestrator itself), so v2 forbids delegating
    // controllers from it. Run the orchestrator in a leaf of a delegated cgroup to get limits.
    notes.push(`cannot enable the memory controller for ${parent} (${(error as NodeJS.ErrnoException).code}); configure a delegated cgroup as the parent to get cgroup memory limits`);
    return false;
  }
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
