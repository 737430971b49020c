import type { VerifiedPaymentEvent } from './types';
import { MalformedWebhookError } from './types';

/**
 * A signature proves who sent an event, not that its fields make sense. Checked at the edge, before anything acts on
 * the event: a field the database would refuse later (a negative amount, say) would otherwise fail a journey step
 * instead of the request.
 */
export function assertEventFields(event: VerifiedPaymentEvent): void {
  const problem = fieldProblem(event);
  if (problem) throw new MalformedWebhookError(`${event.type} event: ${problem}`);
}

function fieldProblem(event: VerifiedPaymentEvent): string | undefined {
  if (typeof event.providerPaymentId !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(event.providerPaymentId))
    return 'the payment id must be 1-255 printable ASCII characters';
  if (!Number.isSafeInteger(event.amountMinor) || event.amountMinor <= 0)
    return 'the amount must be a whole number of minor units above zero';
  if (typeof event.currency !== 'string' || !/^[A-Z]{3}$/.test(event.currency))
    return 'the currency must be a three-letter code';
  if (typeof event.orderPublicId !== 'string' || event.orderPublicId.length > 64)
    return 'the order id must be a string of at most 64 characters';
  if (event.type === 'succeeded' && event.orderPublicId === '') return 'a payment must name its order';
  return undefined;
}
