import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { readStat } from './tree-sampler.js';

/**
 * Sends `signal` to every process of the group `pgid` (the task was spawned detached, so its
 * pid is its group id and grandchildren inherit it). Returns false when the group is empty.
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    // ESRCH: nothing left in the group. EPERM cannot happen: the group is our own child's.
    return false;
  }
}

/**
 * Resolves once no live process is left in the group, or after `timeoutMs`. A SIGKILL is
 * delivered asynchronously, so "signal sent" is not "process gone"; zombies count as gone
 * (they run nothing, and if init does not reap them they would otherwise stay forever).
 */
export async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    if (!hasLiveMember(pgid)) return true;
    if (performance.now() > deadline) return false;
    await sleep(delay);
  }
}

function hasLiveMember(pgid: number): boolean {
  for (const name of readdirSync('/proc')) {
    const code = name.charCodeAt(0);
    if (code < 48 || code > 57) continue;
    const stat = readStat(Number(name));
    if (stat && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') return true;
  }
  return false;
}
