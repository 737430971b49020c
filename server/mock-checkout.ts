import { Router } from 'express';
import { escapeHtml, formatMoney } from '../locales';
import type { OrderStore } from '../payments/orders';
import type { createMockProvider } from '../payments/mock';

type MockProvider = ReturnType<typeof createMockProvider>;

/**
 * The mock provider's checkout page (development and the demo): "Pay" makes the mock provider post its signed webhook
 * to our own /webhooks/mock, the same path and checks a real provider's webhook goes through.
 */
export function mockCheckoutRoutes(options: { publicUrl: string; orders: OrderStore; provider: MockProvider }): Router {
  const router = Router();
  router.get('/mock-checkout/:order', async (req, res) => {
    const order = await options.orders.find(req.params.order);
    if (!order || order.provider !== 'mock') return void res.status(404).send('Unknown order');
    const price = escapeHtml(formatMoney(order.amountMinor, order.currency));
    res
      .type('html')
      .send(
        `<!doctype html><meta charset="utf-8"><title>Mock checkout</title><h1>${escapeHtml(order.description)}</h1>` +
          `<p>${price}</p><form method="post" action="/mock-checkout/${encodeURIComponent(order.publicId)}/pay">` +
          `<button>Pay ${price} (test payment)</button></form>`,
      );
  });
  router.post('/mock-checkout/:order/pay', async (req, res) => {
    const order = await options.orders.find(req.params.order);
    if (!order || order.provider !== 'mock') return void res.status(404).send('Unknown order');
    const { body, headers } = options.provider.webhookFor(order);
    const answer = await fetch(`${options.publicUrl}/webhooks/mock`, { method: 'POST', headers, body });
    res
      .status(answer.ok ? 200 : 502)
      .type('html')
      .send(answer.ok ? 'Paid. Return to Telegram.' : 'The payment did not go through.');
  });
  return router;
}
