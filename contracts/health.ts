import { z } from 'zod';

/** Liveness and readiness. */
export const healthView = z.object({ status: z.literal('ok') });
export type HealthView = z.infer<typeof healthView>;

export const readyView = z.object({
  status: z.literal('ready'),
  database: z.literal('ok'),
  migrations: z.literal('applied'),
});
export type ReadyView = z.infer<typeof readyView>;
