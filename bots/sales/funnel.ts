import { createFunnelRecorder } from '../../analytics/funnel-events';
import type { FunnelStepInput } from '../../analytics/funnel-events';
import type { SalesContext } from './context';

/** Records a sales-bot step of the sender for `courseSlug` (#18); a failure is logged, the handler goes on. */
export async function funnelStep(ctx: SalesContext, courseSlug: string, input: FunnelStepInput): Promise<void> {
  if (!ctx.from) return;
  const funnel = createFunnelRecorder({
    sql: ctx.deps.sql,
    warn: (message, error) => ctx.deps.log?.(`${message}: ${String(error)}`),
  });
  await funnel.forStudent({ telegramId: ctx.from.id, courseSlug }, input);
}
