import type { TaskType } from '../../spec/schema/task.js';

/**
 * The program each task type starts on the machine that runs it. Types missing here need none:
 * `sql_script` speaks to PostgreSQL through the driver (no `psql`), `http` and `noop` run in the
 * engine, and the Kubernetes types talk to the API server rather than a local program.
 */
export const REQUIRED_BINARIES: Partial<Record<TaskType, string>> = {
  shell: 'sh',
  python_script: 'python3',
  node_script: 'node',
  spark_job: 'spark-submit',
  docker: 'docker',
};

/** Types whose tasks run in a cluster, so this machine's capacity says nothing about them. */
export const REMOTE_TYPES: ReadonlySet<string> = new Set<TaskType>(['kubernetes_job', 'kubernetes_manifest']);
