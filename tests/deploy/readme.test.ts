import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdminCli } from '../../admin/cli';
import { importCourses } from '../../content/catalog';
import { ALL_SEARCH_ATTRIBUTES } from '../../journey/definitions';
import { createOrderStore } from '../../payments/orders';
import { createTestDatabase } from '../helpers/database';
import type { TestDatabase } from '../helpers/database';
import { insertUser } from '../helpers/fixtures';

const root = path.join(__dirname, '..', '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const searchAttributesFile = readFileSync(path.join(root, 'infra', 'cluster', 'search-attributes.txt'), 'utf8');

/** What a new operator follows literally: the README's own instructions, run against the real thing. */
describe('the README, followed literally', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await importCourses(db.sql);
  });
  afterAll(async () => db?.drop());

  it('names every search attribute with the type the code and the cluster (infra/cluster/) register', () => {
    const TYPES: Record<string, string> = { KEYWORD: 'Keyword', INT: 'Int' };
    for (const key of ALL_SEARCH_ATTRIBUTES) {
      const type = TYPES[key.type];
      expect(type, `a README type for ${key.type}`).toBeDefined();
      expect(readme).toMatch(new RegExp(`\\| \`${key.name}\` +\\| ${type} +\\|`));
      expect(searchAttributesFile).toContain(`${key.name} ${type}\n`);
    }
  });

  it('creates, lists and switches off promo codes with the commands it shows, and the sales side honours them', async () => {
    const block = /\*\*Promo codes\*\*[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'an sh block after **Promo codes**').toBeDefined();
    const commands = [...block!.matchAll(/^npm run admin -- (.+?)\s*(?:#.*)?$/gm)].map((m) => m[1]!.split(/\s+/));
    const output: string[] = [];
    const admin = (argv: string[]) =>
      runAdminCli(argv, {
        sql: db.sql,
        client: () => Promise.reject(new Error('promo needs no Temporal')),
        taskQueue: 'unused',
        out: (text) => output.push(text),
      });
    const orders = createOrderStore(db.sql);
    const { userId } = await insertUser(db.sql, { firstName: 'Ops' });
    const quote = (promoCode: string) => orders.quote({ userId, courseSlug: 'demo', tariff: 'FEEDBACK', promoCode });

    // The adds, then quotes, then the list and the "off" command.
    for (const argv of commands.filter((c) => c[1] === 'add')) await admin(argv);
    const list = (await quote('SPRING')).listPriceMinor;
    expect((await quote('spring')).amountMinor).toBe(Math.round(list * 0.8));
    expect((await quote('TENOFF')).amountMinor).toBe(list - 1000);
    for (const argv of commands.filter((c) => c[1] === 'list' || c[1] === 'off')) await admin(argv);
    expect(output.join('\n')).toMatch(/^SPRING · 20% off · demo · 0\/100 used · until 2030-03-01 · active$/m);
    await expect(quote('TENOFF')).rejects.toMatchObject({ problem: 'promo-expired' });
  });

  it('registers a partner and their promo code with the commands it shows, and refuses a payout of nothing', async () => {
    const block = /\*\*Partners\*\*[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'an sh block after **Partners**').toBeDefined();
    const commands = [...block!.matchAll(/^npm run admin -- (.+?)\s*(?:[>#].*)?$/gm)].map((m) => m[1]!.split(/\s+/));
    const output: string[] = [];
    const admin = (argv: string[]) =>
      runAdminCli(argv, {
        sql: db.sql,
        client: () => Promise.reject(new Error('partner needs no Temporal')),
        taskQueue: 'unused',
        out: (text) => output.push(text),
      });
    for (const argv of commands.filter((c) => c[1] !== 'paid')) await admin(argv);
    expect(output.join('\n')).toMatch(/^ANNA · 123456789 · 30% of demo PREMIUM$/m);
    expect(output.join('\n')).toMatch(/^code,telegram_id,starts,paid_sales,currency,held,available,paid_out$/m);
    const [promo] = await db.sql`select pa.code from promo_codes p join partners pa on pa.id = p.partner_id
                                 where p.code = 'ANNA10'`;
    expect(promo).toEqual({ code: 'ANNA' });
    const paid = commands.find((c) => c[1] === 'paid');
    await expect(admin(paid!)).rejects.toThrow('ANNA has nothing available: nothing to pay.');
  });
});
