import { availableParallelism, cpus } from 'node:os';
import { formatTable, formatTargets, type BenchSuite } from './suite.js';
import { engineSuite } from './engine/suite.js';
import { gitopsSuite } from './gitops/suite.js';
import { githubSuite } from './github/suite.js';
import { validateSuite } from './validate/suite.js';

/**
 * `npm run bench [-- [--quick] [suite…]]`: runs every suite (or those named) and prints Markdown
 * tables. It reports PASS/MISS against each target and never fails on one: benchmarks are not tests.
 */
const SUITES: readonly BenchSuite[] = [validateSuite, engineSuite, gitopsSuite, githubSuite];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const wanted = args.filter((arg) => arg !== '--quick');
  const unknown = wanted.filter((name) => !SUITES.some((suite) => suite.name === name));
  if (unknown.length > 0) {
    console.error(`Unknown suite ${unknown.map((name) => `\`${name}\``).join(', ')}; suites: ${SUITES.map((suite) => suite.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const selected = wanted.length > 0 ? SUITES.filter((suite) => wanted.includes(suite.name)) : SUITES;
  console.log(`node ${process.version} · ${cpus()[0]?.model ?? 'unknown CPU'} · ${availableParallelism()} CPUs · ${new Date().toISOString()}`);
  for (const suite of selected) {
    const start = performance.now();
    const result = await suite.run((line) => console.error(`  … ${((performance.now() - start) / 1000).toFixed(0).padStart(4)} s  ${line}`), { quick });
    console.log(`\n## ${suite.name}: ${suite.description}\n`);
    for (const table of result.tables) console.log(`${formatTable(table)}\n`);
    if (result.targets.length > 0) console.log(`${formatTargets(result.targets)}\n`);
    for (const note of result.notes) console.log(`- ${note}`);
    console.log(`\n(${suite.name}: ${((performance.now() - start) / 1000).toFixed(1)} s)`);
  }
}

await main();
