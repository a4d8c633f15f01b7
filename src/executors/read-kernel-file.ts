import { closeSync, openSync, readSync } from 'node:fs';

let scratch = Buffer.allocUnsafe(4096);

/**
 * Reads a small cgroup or /proc file in three system calls (open, read, close), for the attempt
 * path that reads several per task. `readFileSync` adds an `fstat`, which says 0 bytes for these
 * files, and then a second `read` to find the end. They are generated whole on each read
 * (seq_file), so a read that leaves room in the buffer has reached the end; a full one grows
 * the buffer and reads on. Undefined when the file cannot be read (gone with its process or cgroup).
 */
export function readKernelFile(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    let length = 0;
    for (;;) {
      const read = readSync(fd, scratch, length, scratch.length - length, null);
      length += read;
      if (read === 0 || length < scratch.length) return scratch.toString('latin1', 0, length);
      const larger = Buffer.allocUnsafe(scratch.length * 2);
      scratch.copy(larger, 0, 0, length);
      scratch = larger;
    }
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
