import { z } from 'zod';
import { duration } from './values.js';

export const HOOK_TYPES = ['notify', 'webhook', 'quarantine', 'reject', 'promote', 'sql', 'shell', 'log', 'email', 'slack', 'pagerduty'] as const;
export type HookType = (typeof HOOK_TYPES)[number];

export const hook = z
  .strictObject({
    type: z.enum(HOOK_TYPES),
    description: z.string().optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    script: z.string().optional(),
    command: z.string().optional(),
    timeout: duration.optional(),
  })
  .meta({ id: 'Hook', description: 'An action run on a task or pipeline event: `sql` takes `script`, `shell` takes `command`, `notify`/`webhook` take `config.webhook` or `config.url`.' });

export const hookList = z.array(hook);

export type Hook = z.infer<typeof hook>;
