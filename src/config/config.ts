import { z } from 'zod';

/**
 * The configuration file's format (YAML), every key optional. Precedence is
 * defaults < file < environment < flags, resolved once in `resolveConfig`.
 */
export const configFile = z
  .strictObject({
    workdir: z.string().min(1).optional(),
    state: z
      .strictObject({
        backend: z.enum(['file', 'redis']).optional(),
        redis_url: z.string().min(1).optional(),
        key_prefix: z.string().min(1).optional(),
        ttl_days: z.number().positive().optional(),
      })
      .optional(),
    log: z.strictObject({ level: z.enum(['debug', 'info', 'warn', 'error']).optional() }).optional(),
    executor: z
      .strictObject({
        default: z.enum(['local', 'docker', 'kubernetes']).optional(),
        local: z.strictObject({ cpu: z.number().positive().optional(), memory: z.string().optional() }).optional(),
        kubernetes: z.strictObject({ namespace: z.string().min(1).optional() }).optional(),
      })
      .optional(),
    retry: z
      .strictObject({
        max_attempts: z.number().int().min(1).optional(),
        backoff: z.enum(['exponential', 'linear', 'constant']).optional(),
        initial_delay: z.string().optional(),
        max_delay: z.string().optional(),
      })
      .optional(),
    dry_run: z.boolean().optional(),
  })
  .meta({ id: 'OrchestratorConfig' });

export type ConfigFile = z.infer<typeof configFile>;

/** Every setting with its value after precedence; the dotted names are `config show`'s keys. */
export interface ResolvedConfig {
  workdir: string;
  'state.backend': 'file' | 'redis';
  'state.redis_url'?: string;
  'state.key_prefix': string;
  'state.ttl_days': number;
  'log.level': 'debug' | 'info' | 'warn' | 'error';
  'executor.default': 'local' | 'docker' | 'kubernetes';
  'executor.local.cpu'?: number;
  'executor.local.memory'?: string;
  'executor.kubernetes.namespace': string;
  'retry.max_attempts': number;
  'retry.backoff': 'exponential' | 'linear' | 'constant';
  'retry.initial_delay': string;
  'retry.max_delay': string;
  dry_run: boolean;
}

export type ConfigKey = keyof ResolvedConfig;
export type ConfigOrigin = 'default' | 'file' | 'env' | 'flag';

/** One defaults object; `redis` becomes the default backend when `REDIS_URL` is set (see resolve). */
export const CONFIG_DEFAULTS = {
  workdir: '.orchestration',
  'state.backend': 'file',
  'state.key_prefix': 'orchestration:',
  'state.ttl_days': 90,
  'log.level': 'info',
  'executor.default': 'local',
  'executor.kubernetes.namespace': 'orchestration',
  'retry.max_attempts': 3,
  'retry.backoff': 'exponential',
  'retry.initial_delay': '30s',
  'retry.max_delay': '10m',
  dry_run: false,
} as const satisfies Partial<ResolvedConfig>;

/** Environment variables that set a key (the seed's names). */
export const CONFIG_ENV = {
  ORCHESTRATION_WORKDIR: 'workdir',
  REDIS_URL: 'state.redis_url',
  ORCHESTRATION_LOG_LEVEL: 'log.level',
  K8S_NAMESPACE: 'executor.kubernetes.namespace',
  DRY_RUN: 'dry_run',
} as const satisfies Record<string, ConfigKey>;
