import { logLogSlope } from '../measure.js';
import type { Table, TargetResult } from '../suite.js';
import type { Shape } from './pipelines.js';
import { runScenario, type ScenarioRun, type StoreUnderTest, type Workspace } from './scenarios.js';

/**
 * B5: `noop` DAGs of 1k, 10k and 100k tasks in three shapes. Flat CPU per task means the
 * scheduler does no per-dispatch scan; flat bytes per event means no append rewrites what is
 * already written; the 100k-task wide DAG must finish in under 30 s.
 */
const SIZES = [1_000, 10_000, 100_000] as const;
const SHAPES: readonly Shape[] = ['wide', 'chain', 'layered'];
const MAX_SLOPE = 1.1;
const WIDE_100K_MS = 30_000;

export interface ScalingRow {
  store: StoreUnderTest['name'];
  shape: Shape;
  run: ScenarioRun;
}

export async function runScaling(stores: readonly StoreUnderTest[], workspace: Workspace, options: { quick: boolean; log: (line: string) => void }): Promise<ScalingRow[]> {
  const rows: ScalingRow[] = [];
  for (const target of stores) {
    // A small run first, so the JIT's warm-up is not billed to the 1k point of whichever shape comes first.
    await runScenario({ shape: 'layered', tasks: 1_000, kind: 'noop' }, target, workspace);
    for (const shape of SHAPES) {
      for (const tasks of options.quick ? SIZES.filter((size) => size < 100_000) : SIZES) {
        options.log(`engine: B5 ${shape} DAG of ${tasks} \`noop\` tasks, ${target.name} store`);
        rows.push({ store: target.name, shape, run: await runScenario({ shape, tasks, kind: 'noop' }, target, workspace) });
      }
    }
  }
  return rows;
}

export function reportScaling(rows: readonly ScalingRow[]): { tables: Table[]; targets: TargetResult[] } {
  const perTaskUs = (run: ScenarioRun) => (run.cpuMs * 1000) / run.tasks;
  const table: Table = {
    title: 'B5: `noop` DAGs',
    columns: ['store', 'shape', 'tasks', 'wall ms', 'tasks/s', 'CPU µs/task', 'events', 'events/append', 'bytes written/event', 'ledger bytes/event'],
    rows: rows.map(({ store, shape, run }) => [
      store,
      shape,
      run.tasks.toLocaleString('en-US'),
      run.wallMs.toFixed(0),
      ((run.tasks / run.wallMs) * 1000).toFixed(0),
      perTaskUs(run).toFixed(1),
      run.events.toLocaleString('en-US'),
      (run.events / run.appends).toFixed(1),
      (run.bytesWritten / run.events).toFixed(1),
      run.ledgerBytes === undefined ? '' : (run.ledgerBytes / run.events).toFixed(1),
    ]),
  };
  const targets: TargetResult[] = [];
  const slopeRows: string[][] = [];
  for (const { store, shape } of rows.filter((row, index) => rows.findIndex((other) => other.store === row.store && other.shape === row.shape) === index)) {
    const points = rows.filter((row) => row.store === store && row.shape === shape);
    if (points.length < 2) continue;
    const slope = logLogSlope(points.map(({ run }) => ({ size: run.tasks, ms: run.cpuMs })));
    const first = (points[0] as ScalingRow).run;
    const last = (points[points.length - 1] as ScalingRow).run;
    const bytesGrowth = last.bytesWritten / last.events / (first.bytesWritten / first.events);
    slopeRows.push([store, shape, slope.toFixed(2), `${(perTaskUs(first)).toFixed(1)} → ${perTaskUs(last).toFixed(1)}`, `${bytesGrowth.toFixed(2)}×`]);
    targets.push(
      { target: `B5 ${store} ${shape}: CPU log-log slope ≤ ${MAX_SLOPE}`, measured: slope.toFixed(2), pass: slope <= MAX_SLOPE },
      // Task names are of fixed width, so a store that only appends writes the same bytes per event at any size.
      { target: `B5 ${store} ${shape}: bytes written per event do not grow (≤ 1.1× from ${first.tasks / 1000}k to ${last.tasks / 1000}k)`, measured: `${bytesGrowth.toFixed(2)}×`, pass: bytesGrowth <= 1.1 },
    );
  }
  for (const wide of rows.filter((row) => row.shape === 'wide' && row.run.tasks === 100_000)) {
    targets.push({ target: `B5 ${wide.store} wide: 100,000 tasks in < 30 s`, measured: `${(wide.run.wallMs / 1000).toFixed(1)} s`, pass: wide.run.wallMs < WIDE_100K_MS });
  }
  const slopes: Table = { title: 'B5: growth of scheduler CPU with DAG size (log-log slope; 1.0 is linear)', columns: ['store', 'shape', 'CPU slope', 'CPU µs/task, smallest → largest', 'bytes/event growth'], rows: slopeRows };
  return { tables: [table, slopes], targets };
}
