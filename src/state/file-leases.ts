import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock, type LockOptions } from './file-lock.js';
import type { Lease } from './state-store.js';

/**
 * Leases as files: `<dir>/<name>.json` holds `{ owner, expiresAt }` and is replaced atomically
 * (write a temp file, rename over). The read-decide-write of one lease runs under that lease's
 * lock file, so two processes can never both take it. Not fsynced: a lease only matters while
 * its holder lives, and after a machine crash every holder is gone too.
 */
export class FileLeases {
  constructor(
    private readonly directory: string,
    private readonly lockOptions: LockOptions,
  ) {}

  async acquire(request: { name: string; owner: string; ttlMs: number }): Promise<Lease | undefined> {
    return this.locked(request.name, (path) => {
      const current = readLease(path);
      const now = Date.now();
      if (current && current.owner !== request.owner && current.expiresAtMs > now) return undefined;
      const expiresAt = new Date(now + request.ttlMs);
      const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      writeFileSync(temp, JSON.stringify({ name: request.name, owner: request.owner, expiresAt: expiresAt.toISOString() }));
      renameSync(temp, path);
      return { name: request.name, owner: request.owner, expiresAt };
    });
  }

  async release(request: { name: string; owner: string }): Promise<void> {
    await this.locked(request.name, (path) => {
      if (readLease(path)?.owner !== request.owner) return;
      try {
        unlinkSync(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    });
  }

  private async locked<T>(name: string, work: (path: string) => T): Promise<T> {
    mkdirSync(this.directory, { recursive: true });
    // Any lease name is a safe file name once percent-encoded ('.' too, so '..' cannot climb).
    const base = join(this.directory, encodeURIComponent(name).replaceAll('.', '%2E').replaceAll('*', '%2A'));
    const lock = await acquireLock(`${base}.lock`, this.lockOptions);
    try {
      return work(`${base}.json`);
    } finally {
      lock.release();
    }
  }
}

function readLease(path: string): { owner: string; expiresAtMs: number } | undefined {
  try {
    const lease = JSON.parse(readFileSync(path, 'utf8')) as { owner?: unknown; expiresAt?: unknown };
    const expiresAtMs = typeof lease.expiresAt === 'string' ? Date.parse(lease.expiresAt) : NaN;
    return typeof lease.owner === 'string' && Number.isFinite(expiresAtMs) ? { owner: lease.owner, expiresAtMs } : undefined;
  } catch {
    // Missing, or emptied by a crash mid-rename: either way nobody holds it.
    return undefined;
  }
}
