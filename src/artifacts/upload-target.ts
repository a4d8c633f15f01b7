import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `upload_to` points: a local directory, or a remote store this version cannot write. */
export type UploadTarget = { kind: 'local'; dir: string } | { kind: 'remote'; scheme: string };

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/** Parses `upload_to`: a `file://` URL, a path (a relative one against `base`), or a remote store. */
export function parseUploadTarget(uploadTo: string, base: string): UploadTarget {
  const scheme = SCHEME.exec(uploadTo)?.[1]?.toLowerCase();
  if (scheme === 'file') return { kind: 'local', dir: fileURLToPath(uploadTo) };
  return scheme === undefined ? { kind: 'local', dir: resolve(base, uploadTo) } : { kind: 'remote', scheme };
}

/** The scheme of a remote location (`s3`, `https`, …), or undefined for local paths and `file://`. */
export function remoteSchemeOf(location: string): string | undefined {
  const scheme = SCHEME.exec(location)?.[1]?.toLowerCase();
  return scheme === 'file' ? undefined : scheme;
}
