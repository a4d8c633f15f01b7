import type { RollbackStrategy } from '../../rollback/plan-rollback.js';
import type { LogFormat } from '../console/root-logger.js';
import type { LedgerFlags } from './open-ledger.js';

/** The flags of `rollback execute`, shared by the command and the run it starts. */
export interface RollbackFlags extends LedgerFlags {
  executionId: string;
  toExecutionId?: string;
  toSha?: string;
  toTimestamp?: Date;
  strategy: RollbackStrategy;
  stage?: string;
  toStage?: string;
  includeArtifacts?: boolean;
  verify?: boolean;
  dryRun?: boolean;
  force?: boolean;
  notify?: string;
  pipelinesDir: string;
  format: 'text' | 'json';
  logFormat?: LogFormat;
  parallel?: number;
}
