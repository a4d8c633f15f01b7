/**
 * An orchestrator process for the crash test: runs (or, with `RESUME=1`, resumes) one
 * execution of the crash pipeline on a file store, the way `pipeline execute` would, so the
 * test can SIGKILL it at any moment. Bundled by the test; configured through its env.
 */
import { prepareExecution } from '../../src/engine/prepare-execution.js';
import { ResourcePool } from '../../src/engine/resource-pool.js';
import { resumePointFrom } from '../../src/engine/resume-point.js';
import { runExecution } from '../../src/engine/run-execution.js';
import { LocalExecutor } from '../../src/executors/local-executor.js';
import { FileStateStore } from '../../src/state/file-store.js';
import { crashPipeline } from './crash-pipeline.js';

const env = (name: string) => process.env[name] ?? '';
const work = env('WORK');
const store = new FileStateStore({ directory: env('STATE_DIR') });
const pipeline = crashPipeline();
const { request } = prepareExecution({ pipeline, pipelineFile: 'crash.yaml', pipelineHash: 'crash', workspace: work, workdir: work, env: {}, secrets: {}, trigger: 'cli', triggeredBy: 'crash-test', executionId: env('EXECUTION_ID') });
if (env('RESUME') === '1') {
  const point = resumePointFrom(await store.read(request.executionId), request.executionId);
  Object.assign(request, { header: point.header, alreadySucceeded: point.alreadySucceeded, previousAttempts: point.previousAttempts, skip: point.skippedByUser, resumed: true });
}
const build = request.buildAttempt;
// Tasks carry the test's mark so any process left behind is found.
request.buildAttempt = (task, attempt) => {
  const spec = build(task, attempt);
  return { ...spec, env: { ...spec.env, AO_TEST_MARK: env('AO_TEST_MARK'), WORK: work } };
};
const executor = new LocalExecutor();
// The test times its kill from here, so the moments land in the run rather than in start-up.
process.stdout.write('running\n');
const outcome = await runExecution(request, { store, executorFor: () => executor, pool: new ResourcePool({ cpu: 4, memoryBytes: 2 ** 34 }) });
await store[Symbol.asyncDispose]();
process.stdout.write(`${outcome.status}\n`);
