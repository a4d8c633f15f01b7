import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeWritable } from '../../src/gitops/extract-tree.js';
import type { BenchSuite } from '../suite.js';
import { benchReconcile } from './reconcile.js';
import { benchRollback } from './rollback.js';

/**
 * GitOps (issue 4 §5, §7): seed 000's golden rule for rollback on the example pipeline, and B3,
 * a push of one changed pipeline until its deployment is active and its deploy run starts,
 * in repositories of 1 and 1,000 pipeline files. Needs the built CLI (`npm run bench` builds it).
 */
export const gitopsSuite: BenchSuite = {
  name: 'gitops',
  description: 'rollback against a full run, and a push until deployed and running, against git fetch + parse + spawn',
  async run(log, { quick }) {
    const root = mkdtempSync(join(tmpdir(), 'orchestrate-gitops-bench-'));
    try {
      const rollback = await benchRollback(root, log, { repeats: quick ? 3 : 7 });
      const reconcile = await benchReconcile(root, log, { samples: quick ? 10 : 40, sizes: [1, 1_000] });
      return { tables: [rollback.table, ...reconcile.tables], targets: [...rollback.targets, ...reconcile.targets], notes: [...rollback.notes, ...reconcile.notes] };
    } finally {
      // Execution workspaces are read-only by design.
      await makeWritable(root);
      rmSync(root, { recursive: true, force: true });
    }
  },
};
