import { mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CgroupSupport } from './process-support.js';
import { readKernelFile } from './read-kernel-file.js';

/** What one attempt's cgroup measured of its tree. */
export interface CgroupUsage {
  cpuSeconds: number;
  /** Undefined where the kernel has no `memory.peak`. */
  memoryPeakBytes: number | undefined;
  /** Times the memory limit killed something; 0 without a limit. */
  oomKills: number;
}

/**
 * One attempt's own cgroup v2: every process of the task tree lands here (the task's shell, or
 * a wrapper shell that then execs the task, moves itself in before the task's first instruction),
 * so CPU is exact and nothing escapes a kill, even a process that called `setsid`.
 */
export class AttemptCgroup {
  readonly path: string;
  /** `memory.max` holds the attempt's limit. */
  memoryLimited = false;
  readonly #support: CgroupSupport;

  private constructor(path: string, support: CgroupSupport) {
    this.path = path;
    this.#support = support;
  }

  /**
   * Creates the cgroup and applies the memory limit when the controller allows it. Returns
   * undefined when the directory cannot be made: the attempt then runs without a cgroup.
   */
  static tryCreate(support: CgroupSupport, name: string, memoryLimitBytes?: number): AttemptCgroup | undefined {
    const path = join(support.parent, name);
    try {
      mkdirSync(path);
    } catch {
      return undefined;
    }
    const cgroup = new AttemptCgroup(path, support);
    if (memoryLimitBytes !== undefined && support.memoryLimit) {
      cgroup.memoryLimited = cgroup.#tryWrite('memory.max', String(Math.floor(memoryLimitBytes)));
      // A limit means RAM: without this the tree would swap instead of being stopped.
      cgroup.#tryWrite('memory.swap.max', '0');
      // One OOM kill takes the whole tree, rather than leaving a half-dead task running.
      cgroup.#tryWrite('memory.oom.group', '1');
    }
    return cgroup;
  }

  /** Written with `echo 0` by the shell that starts the task, which moves that shell itself. */
  get procsFile(): string {
    return join(this.path, 'cgroup.procs');
  }

  members(): number[] {
    const text = readKernelFile(this.procsFile) ?? '';
    return text.length === 0 ? [] : text.trim().split('\n').map(Number);
  }

  /** CPU time of every process that ever ran in the cgroup, exited ones included. */
  cpuSeconds(): number {
    const stat = this.#read('cpu.stat') ?? '';
    const usage = /^usage_usec (\d+)$/m.exec(stat);
    return usage ? Number(usage[1]) / 1e6 : 0;
  }

  /** Everything the result reports from the cgroup, read while it still exists. */
  usage(): CgroupUsage {
    return { cpuSeconds: this.cpuSeconds(), memoryPeakBytes: this.memoryPeakBytes(), oomKills: this.memoryLimited ? this.oomKills() : 0 };
  }

  /** Peak memory charged to the cgroup (`memory.peak`), or undefined when the kernel has no such file. */
  memoryPeakBytes(): number | undefined {
    if (!this.#support.memoryPeak) return undefined;
    const peak = this.#read('memory.peak');
    return peak === undefined ? undefined : Number(peak.trim());
  }

  /** Times the memory limit killed something in this cgroup. */
  oomKills(): number {
    const events = this.#read('memory.events') ?? '';
    const kills = /^oom_kill (\d+)$/m.exec(events);
    return kills ? Number(kills[1]) : 0;
  }

  /** SIGKILL to every process in the cgroup; false when it holds none (nothing was sent). */
  kill(): boolean {
    const members = this.members();
    if (members.length === 0) return false;
    if (this.#support.kill && this.#tryWrite('cgroup.kill', '1')) return true;
    for (const pid of members) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    return true;
  }

  /**
   * Resolves once no process is left (zombies do not count: they leave the cgroup when they
   * exit), or after `timeoutMs`. Polls with a doubling delay: a killed tree empties in microseconds.
   */
  async waitEmpty(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
      if (/^populated 0$/m.test(this.#read('cgroup.events') ?? 'populated 0')) return true;
      if (performance.now() > deadline) return false;
      await sleep(delay);
    }
  }

  /** Removes the directory; fails quietly while processes are still inside (the kernel refuses). */
  remove(): boolean {
    try {
      rmdirSync(this.path);
      return true;
    } catch {
      return false;
    }
  }

  #read(file: string): string | undefined {
    return readKernelFile(join(this.path, file));
  }

  #tryWrite(file: string, value: string): boolean {
    try {
      writeFileSync(join(this.path, file), value);
      return true;
    } catch {
      return false;
    }
  }
}
