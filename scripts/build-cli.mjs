// Bundles the CLI into dist/cli/: the entry `orchestrate.mjs` and one chunk per lazily loaded
// command, with its dependencies inside. Node 20 loads ESM module by module (resolution, reading,
// compiling each of the ~480 files `pipeline execute` needs); from a handful of bundled files a
// command starts about 0.2 s sooner, which is most of what a short run or a rollback pays before
// its first task. `npm run build` runs it after tsc; the tsc output stays for the library.
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Chunk names carry content hashes: without this, every build would leave the previous ones behind.
rmSync(join(root, 'dist', 'cli'), { recursive: true, force: true });

/**
 * `import { z } from 'zod'` brings the namespace, whose `z.locales` re-exports all of zod's 60-odd
 * locales: a third of the chunk every command loads, compiled at each start (~10 ms) for nothing,
 * since messages are English and nothing picks another locale. zod's locale index is replaced by
 * one exporting `en` alone, the locale zod sets by default; the messages stay as they were.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(builder) {
    builder.onResolve({ filter: /[\\/]locales[\\/]index\.js$/ }, (args) => {
      const file = resolve(args.resolveDir, args.path);
      if (!/[\\/]node_modules[\\/]zod[\\/]/.test(file)) return undefined;
      return { path: file, namespace: 'zod-english-only' };
    });
    builder.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

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
  plugins: [zodEnglishOnly],
  // Some bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
});
