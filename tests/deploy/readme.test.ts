import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCourses } from '../../content/catalog';
import { ALL_SEARCH_ATTRIBUTES } from '../../journey/definitions';
import { createOrderStore } from '../../payments/orders';
import { createTestDatabase } from '../helpers/database';
import type { TestDatabase } from '../helpers/database';
import { insertUser } from '../helpers/fixtures';

const root = path.join(__dirname, '..', '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const compose = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');

/** What a new operator follows literally: the README's own instructions, run against the real thing. */
describe('the README, followed literally', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await importCourses(db.sql);
  });
  afterAll(async () => db?.drop());

  it('names every search attribute with the type the code and docker-compose register', () => {
    const TYPES: Record<string, string> = { KEYWORD: 'Keyword', INT: 'Int' };
    for (const key of ALL_SEARCH_ATTRIBUTES) {
      const type = TYPES[key.type];
      expect(type, `a README type for ${key.type}`).toBeDefined();
      expect(readme).toMatch(new RegExp(`\\| \`${key.name}\` +\\| ${type} +\\|`));
      expect(compose).toContain(`--name ${key.name} --type ${type}`);
    }
  });

  it('creates and disables promo codes with the SQL it shows, and the sales side honours them', async () => {
    const block = /\*\*Promo codes\*\*[\s\S]*?```sql\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'a sql block after **Promo codes**').toBeDefined();
    const statements = block!.split(/;\s*\n/).filter((s) => s.replace(/--.*$/gm, '').trim());
    const orders = createOrderStore(db.sql);
    const { userId } = await insertUser(db.sql, { firstName: 'Ops' });
    const quote = (promoCode: string) => orders.quote({ userId, courseSlug: 'demo', tariff: 'FEEDBACK', promoCode });

    // The inserts, then quotes, then the "disable" statement.
    for (const statement of statements.filter((s) => /insert/i.test(s))) await db.sql.unsafe(statement);
    const list = (await quote('SPRING')).listPriceMinor;
    expect((await quote('spring')).amountMinor).toBe(Math.round(list * 0.8));
    expect((await quote('TENOFF')).amountMinor).toBe(list - 1000);
    for (const statement of statements.filter((s) => /update/i.test(s))) await db.sql.unsafe(statement);
    await expect(quote('TENOFF')).rejects.toMatchObject({ problem: 'promo-expired' });
  });
});
