// Bundles the CLI into dist/cli/: the entry `orchestrate.mjs` and one chunk per lazily loaded
// command, with its dependencies inside. Node 20 loads ESM module by module (resolution, reading,
// compiling each of the ~480 files `pipeline execute` needs); from a handful of bundled files a
// command starts about 0.2 s sooner, which is most of what a short run or a rollback pays before
// its first task. `npm run build` runs it after tsc; the tsc output stays for the library.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Chunk names carry content hashes: without this, every build would leave the previous ones behind.
rmSync(join(root, 'dist', 'cli'), { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: { orchestrate: 'src/cli/main.ts' },
  outdir: 'dist/cli',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  // Each command's implementation stays behind its dynamic import, in a chunk of its own.
  splitting: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  // pg asks for its optional native binding inside a try; it is not installed.
  external: ['pg-native'],
  // Some bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
});
