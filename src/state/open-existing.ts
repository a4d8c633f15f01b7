import { open, type FileHandle } from 'node:fs/promises';

/** The file opened for reading, or `undefined` when it does not exist (yet, or any more). */
export async function openExisting(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
