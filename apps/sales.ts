import { loadSalesConfig } from '../config';
import { startSalesRuntime } from './sales-runtime';
import { runProcess } from './process';

/** `npm run sales`: the sales bot (long polling or webhook) and the payment webhooks, as one production process. */
runProcess('sales', loadSalesConfig, startSalesRuntime);
