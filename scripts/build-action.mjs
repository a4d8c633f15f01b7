// Bundles the GitHub Action into one committed file, action/dist/index.mjs, so the action runs
// without `npm install`. With --check it builds in memory and fails when the committed file differs.
import console from 'node:console';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'action', 'dist', 'index.mjs');
const check = process.argv.includes('--check');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/github/action-main.ts'],
  bundle: true,
  platform: 'node',
  // The runners use Node 24; the bundle must also run on Node 20, where the tests run it.
  target: 'node20',
  format: 'esm',
  outfile,
  write: !check,
  legalComments: 'none',
  logLevel: 'warning',
  define: { ORCHESTRATE_VERSION: JSON.stringify(version) },
  // Some bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
});

if (check) {
  const built = result.outputFiles?.[0]?.text ?? '';
  let committed = '';
  try {
    committed = readFileSync(outfile, 'utf8');
  } catch {
    // A missing bundle is stale too.
  }
  if (built !== committed) {
    console.error('action/dist/index.mjs is stale: run `npm run build:action` and commit the result');
    process.exit(1);
  }
  console.log('action/dist/index.mjs is up to date');
}
