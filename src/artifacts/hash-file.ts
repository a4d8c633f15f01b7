import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** The sha256 (hex) and size of a file, read as a stream so large outputs never sit in memory. */
export async function hashFile(path: string): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    sizeBytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), sizeBytes };
}

const SHA256 = /^[0-9a-f]{64}$/;

/** True for a lowercase hex sha256, the only form that names a blob. */
export function isSha256(value: string): boolean {
  return SHA256.test(value);
}
