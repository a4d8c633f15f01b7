import { readdirSync } from 'node:fs';
import { readKernelFile } from './read-kernel-file.js';

/** USER_HZ: the unit of /proc/<pid>/stat times, 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** What sampling has seen of one task tree so far. */
export interface TreeTrack {
  /** Highest memory seen: the larger of the tree's summed RSS and any one process's high-water mark. */
  readonly peakRssBytes: number;
  /** Highest CPU seen for the tree: own plus reaped children's times of its live processes. */
  readonly cpuSeconds: number;
  stop(): void;
}

export interface TrackTarget {
  /** The task's process group (its leader's pid). */
  pgid: number;
  /** With a cgroup, its member list replaces the scan of /proc for the group. */
  members?: () => number[];
}

interface Sample {
  ticks: number;
  rssBytes: number;
  hwmBytes: number;
}

class Track implements TreeTrack {
  peakRssBytes = 0;
  cpuTicks = 0;
  constructor(
    readonly target: TrackTarget,
    readonly stop: () => void,
  ) {}

  get cpuSeconds(): number {
    return this.cpuTicks / CLOCK_TICKS_PER_SECOND;
  }

  record(sample: Sample): void {
    this.peakRssBytes = Math.max(this.peakRssBytes, sample.rssBytes, sample.hwmBytes);
    this.cpuTicks = Math.max(this.cpuTicks, sample.ticks);
  }
}

/**
 * Samples the memory (and, without cgroups, the CPU) of running task trees on one shared timer,
 * so many concurrent tasks cost one walk of /proc per tick, and an idle runner costs nothing.
 * A task never waits for a tick: tracking stops the moment its process exits, so a 2 ms task
 * pays no sampling delay (and, honestly, gets few or no samples: see docs/executors.md).
 */
export class TreeSampler {
  readonly #intervalMs: number;
  readonly #tracks = new Set<Track>();
  #timer: NodeJS.Timeout | undefined;

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  track(target: TrackTarget): TreeTrack {
    const track: Track = new Track(target, () => {
      this.#tracks.delete(track);
      if (this.#tracks.size === 0 && this.#timer) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
    });
    this.#tracks.add(track);
    // Unref'd: the running child keeps the loop alive, the sampler never should.
    this.#timer ??= setInterval(() => this.sampleAll(), this.#intervalMs).unref();
    return track;
  }

  /** One tick: cgroup trees read their member lists, the others share one scan of /proc. */
  sampleAll(): void {
    const byGroup = new Map<number, { track: Track; sample: Sample }>();
    for (const track of this.#tracks) {
      if (track.target.members) {
        const sample = emptySample();
        for (const pid of track.target.members()) addProcess(sample, pid, readStat(pid));
        track.record(sample);
      } else {
        byGroup.set(track.target.pgid, { track, sample: emptySample() });
      }
    }
    if (byGroup.size === 0) return;
    for (const pid of listPids()) {
      const stat = readStat(pid);
      const entry = stat && byGroup.get(stat.pgrp);
      if (entry) addProcess(entry.sample, pid, stat);
    }
    for (const { track, sample } of byGroup.values()) track.record(sample);
  }
}

interface Stat {
  state: string;
  pgrp: number;
  /** utime + stime + cutime + cstime */
  ticks: number;
}

function emptySample(): Sample {
  return { ticks: 0, rssBytes: 0, hwmBytes: 0 };
}

function addProcess(sample: Sample, pid: number, stat: Stat | undefined): void {
  if (!stat) return;
  // A zombie's times are final until its parent reaps it (then they move to the parent's
  // cutime, so counting both never happens); it holds no memory.
  sample.ticks += stat.ticks;
  if (stat.state === 'Z' || stat.state === 'X') return;
  const memory = readMemory(pid);
  if (!memory) return;
  sample.rssBytes += memory.rssBytes;
  sample.hwmBytes = Math.max(sample.hwmBytes, memory.hwmBytes);
}

function listPids(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    const code = name.charCodeAt(0);
    if (code >= 48 && code <= 57) pids.push(Number(name));
  }
  return pids;
}

/** Fields of /proc/<pid>/stat; the command name may hold spaces and parentheses, so parse after the last `)`. */
export function readStat(pid: number): Stat | undefined {
  const text = readKernelFile(`/proc/${pid}/stat`);
  if (text === undefined) return undefined;
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 of proc(5): state; 5 pgrp; 14–17 utime, stime, cutime, cstime.
  const at = (field: number) => Number(fields[field - 3]);
  return { state: fields[0] ?? '?', pgrp: at(5), ticks: at(14) + at(15) + at(16) + at(17) };
}

const VM_RSS = /^VmRSS:\s+(\d+) kB$/m;
const VM_HWM = /^VmHWM:\s+(\d+) kB$/m;

function readMemory(pid: number): { rssBytes: number; hwmBytes: number } | undefined {
  const text = readKernelFile(`/proc/${pid}/status`);
  if (text === undefined) return undefined;
  const kib = (pattern: RegExp) => {
    const match = pattern.exec(text);
    return match ? Number(match[1]) * 1024 : 0;
  };
  return { rssBytes: kib(VM_RSS), hwmBytes: kib(VM_HWM) };
}
