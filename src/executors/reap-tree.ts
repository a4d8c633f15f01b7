import type { AttemptCgroup, CgroupUsage } from './attempt-cgroup.js';
import { signalGroup, waitGroupGone } from './process-group.js';

/**
 * Once an attempt's main process has exited, kills whatever it left running, which would
 * otherwise outlive the attempt, and waits up to `settleMs` for it to be gone. Returns what the
 * cgroup measured, read before the cgroup is removed.
 *
 * With a cgroup, what is left is what the cgroup holds: the task joined it before its first
 * fork and every descendant is born inside (a process leaves only by moving itself into another
 * cgroup, on purpose). So the usual end, an empty cgroup, is found by removing it, which the
 * kernel refuses while a process is inside: no member list to read and no process group kill,
 * which would only fail with ESRCH. Its counters are read just before, and are final then.
 */
export async function reapTree(pid: number, cgroup: AttemptCgroup | undefined, settleMs: number): Promise<CgroupUsage | undefined> {
  if (!cgroup) {
    if (signalGroup(pid, 'SIGKILL')) await waitGroupGone(pid, settleMs);
    return undefined;
  }
  const usage = cgroup.usage();
  if (cgroup.remove()) return usage;
  if (cgroup.kill()) {
    signalGroup(pid, 'SIGKILL');
    await cgroup.waitEmpty(settleMs);
  }
  // Read again: the processes killed ran until now. The removal fails quietly if one survived.
  const final = cgroup.usage();
  cgroup.remove();
  return final;
}
