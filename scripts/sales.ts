import { startSalesRuntime } from '../services/sales-runtime';
import { runProcess } from './process';

/** `npm run sales`: the sales bot (long polling) and the payment webhooks, as one production process. */
runProcess('sales', ['salesBotToken'], ({ config, ...deps }) =>
  startSalesRuntime({ config, ...deps, salesToken: config.telegram.salesBotToken!, apiRoot: config.telegram.apiRoot }),
);
