import { expect } from 'vitest';

/** Handles a store could leave behind: sockets, file watchers, timers, child processes. */
const WATCHED = new Set(['TCPSocketWrap', 'TCPWrap', 'FSEventWrap', 'StatWatcher', 'ProcessWrap', 'Timeout']);

export type ResourceCounts = Record<string, number>;

export function countResources(): ResourceCounts {
  const counts: ResourceCounts = {};
  for (const kind of process.getActiveResourcesInfo()) if (WATCHED.has(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/**
 * Fails when a test left more sockets, watchers, timers or processes than it found: a store
 * must release everything on dispose. Gives a closing socket up to a second to leave the list
 * (the kernel and libuv finish a close a few ticks after the call that asked for it).
 */
export async function expectNoLeaks(before: ResourceCounts): Promise<void> {
  let after = countResources();
  for (let turn = 0; turn < 100 && leaked(before, after); turn++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    after = countResources();
  }
  const extra = Object.fromEntries(Object.entries(after).filter(([kind, count]) => count > (before[kind] ?? 0)));
  expect(extra, 'resources the test left open (kind: count after)').toEqual({});
}

function leaked(before: ResourceCounts, after: ResourceCounts): boolean {
  return Object.entries(after).some(([kind, count]) => count > (before[kind] ?? 0));
}
