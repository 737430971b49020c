import { describe, expect, it } from 'vitest';
import { moneyPerCurrency } from '../../config/env';
import { parsePartnerCommand, PARTNER_USAGE, PartnerInputError } from '../../payments/partner-command';

const parse = (line: string) => parsePartnerCommand(line.split(/\s+/).filter(Boolean));

describe('/partner words', () => {
  it('reads add, list, report and paid; codes in upper case', () => {
    expect(parse('add anna_1 123456789 20% --course demo --tariff premium')).toEqual({
      action: 'add',
      draft: { code: 'ANNA_1', telegramId: 123456789, percent: 20, courseSlug: 'demo', tariff: 'PREMIUM' },
    });
    expect(parse('add A 1 100% --course demo')).toMatchObject({ draft: { code: 'A', percent: 100, tariff: null } });
    expect(parse('list')).toEqual({ action: 'list' });
    expect(parse('report')).toEqual({ action: 'report' });
    expect(parse('paid anna')).toEqual({ action: 'paid', code: 'ANNA' });
  });

  it('refuses every malformed command with its reason', () => {
    const cases: [string, string][] = [
      ['', PARTNER_USAGE],
      ['list all', PARTNER_USAGE],
      ['paid', PARTNER_USAGE],
      ['add ANNA 1 20% extra --course demo', PARTNER_USAGE],
      ['add ANNA 1 20%', 'A commission is per course: add --course <slug>.'],
      ['add ANNA 0 20% --course demo', `The partner's Telegram id is a positive whole number, not "0".`],
      ['add ANNA 1 20 --course demo', 'A commission is a whole percentage from 1% to 100%, not "20".'],
      ['add ANNA 1 101% --course demo', 'A commission is a whole percentage from 1% to 100%, not "101%".'],
      ['add ANNA 1 20% --course Demo', 'Not a course slug: "Demo".'],
      ['add ANNA 1 20% --course demo --course x', '--course is given twice.'],
      ['add ANNA 1 20% --course', '--course needs a value.'],
      [
        `add ${'A'.repeat(65)} 1 20% --course demo`,
        `A partner code is 1 to 64 letters, digits, "_" or "-", not "${'A'.repeat(65)}".`,
      ],
    ];
    for (const [line, message] of cases) {
      expect(() => parse(line), line).toThrow(new PartnerInputError(message));
    }
  });

  it('reads PARTNER_MIN_PAYOUT in minor units by each currency, and refuses what is not an amount', () => {
    expect(moneyPerCurrency.parse('50.00 USD, 3000 JPY,12.5 EUR')).toEqual({ USD: 5000, JPY: 3000, EUR: 1250 });
    expect(moneyPerCurrency.parse(undefined)).toEqual({});
    for (const bad of ['50', '50 usd', '1.234 USD', '5 US1', '1 USD, 2 USD', '10.5 JPY']) {
      expect(moneyPerCurrency.safeParse(bad).success, bad).toBe(false);
    }
  });
});
