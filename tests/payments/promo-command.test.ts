import { describe, expect, it } from 'vitest';
import { parsePromoCommand, PROMO_USAGE, PromoInputError } from '../../payments/promo-command';

const TODAY = '2026-12-02';
const parse = (line: string) => parsePromoCommand(line.split(/\s+/).filter(Boolean), TODAY);
/** The reason a line is refused, or 'no error'. */
const refusal = (line: string) => {
  try {
    parse(line);
    return 'no error';
  } catch (err) {
    return err instanceof PromoInputError ? err.message : String(err);
  }
};

describe('parsePromoCommand (#18)', () => {
  it('reads a percentage code with every option, in upper case', () => {
    expect(parse('add spring 20% --max 100 --until 2027-03-01 --tariff premium --course py-101')).toEqual({
      action: 'add',
      draft: {
        code: 'SPRING',
        percentOff: 20,
        amountOffMinor: null,
        currency: null,
        maxUses: 100,
        until: '2027-03-01',
        tariff: 'PREMIUM',
        courseSlug: 'py-101',
      },
    });
  });

  it('reads a fixed-amount code in the currency’s minor units', () => {
    const draft = (line: string) => {
      const command = parse(line);
      return command.action === 'add' ? command.draft : undefined;
    };
    expect(draft('add TENOFF 10.00 usd')).toMatchObject({ amountOffMinor: 1000, currency: 'USD', percentOff: null });
    expect(draft('add TENOFF 10 USD')).toMatchObject({ amountOffMinor: 1000 });
    expect(draft('add TENOFF 9.5 EUR')).toMatchObject({ amountOffMinor: 950, currency: 'EUR' });
    expect(draft('add YEN 500 JPY')).toMatchObject({ amountOffMinor: 500, currency: 'JPY' });
    expect(draft('add A_B-9 100% --until 2026-12-02')).toMatchObject({ code: 'A_B-9', percentOff: 100, until: TODAY });
  });

  it('reads list and off', () => {
    expect(parse('list')).toEqual({ action: 'list' });
    expect(parse('off spring')).toEqual({ action: 'off', code: 'SPRING' });
  });

  it('refuses bad input with a clear reason', () => {
    const cases: [string, string][] = [
      ['', PROMO_USAGE],
      ['drop SPRING', PROMO_USAGE],
      ['list all', PROMO_USAGE],
      ['off', PROMO_USAGE],
      ['add SPRING', PROMO_USAGE],
      ['add SPRING 20% USD', PROMO_USAGE],
      ['add SPRING 10 USD extra', PROMO_USAGE],
      ['add SPRING 0%', 'A percentage is a whole number from 1% to 100%, not "0%".'],
      ['add SPRING 101%', 'A percentage is a whole number from 1% to 100%, not "101%".'],
      ['add SPRING 12.5%', 'A percentage is a whole number from 1% to 100%, not "12.5%".'],
      ['add SPRING -5%', 'A percentage is a whole number from 1% to 100%, not "-5%".'],
      ['add SPRING -5 USD', '"-5" is not an amount in USD (like 10.00).'],
      ['add SPRING 0.00 USD', 'A fixed amount is more than zero, not "0.00".'],
      ['add SPRING 1.234 USD', '"1.234" is not an amount in USD (like 10.00).'],
      ['add SPRING 1.5 JPY', '"1.5" is not an amount in JPY (like 10).'],
      ['add SPRING 10', 'A fixed amount names its currency, like "10.00 USD"; got "10 ".'],
      ['add SPRING 10 dollars', 'A fixed amount names its currency, like "10.00 USD"; got "10 dollars".'],
      ['add SP 20%', 'A promo code is 3 to 32 letters, digits, "_" or "-", not "SP".'],
      ['add SPRING! 20%', 'A promo code is 3 to 32 letters, digits, "_" or "-", not "SPRING!".'],
      [`add ${'A'.repeat(33)} 20%`, `A promo code is 3 to 32 letters, digits, "_" or "-", not "${'A'.repeat(33)}".`],
      ['off ÄPFEL', 'A promo code is 3 to 32 letters, digits, "_" or "-", not "ÄPFEL".'],
      [
        'add SPRING 20% --uses 5',
        'Unknown option --uses; the options are --max, --until, --tariff, --course, --partner.',
      ],
      ['add SPRING 20% --max', '--max needs a value.'],
      ['add SPRING 20% --max --until 2027-01-01', '--max needs a value.'],
      ['add SPRING 20% --max 5 --max 6', '--max is given twice.'],
      ['add SPRING 20% --max 0', '--max is a whole number of uses from 1, not "0".'],
      ['add SPRING 20% --max -3', '--max is a whole number of uses from 1, not "-3".'],
      ['add SPRING 20% --max 2.5', '--max is a whole number of uses from 1, not "2.5".'],
      ['add SPRING 20% --until 2027-02-30', '--until "2027-02-30" is not a date like 2027-03-01.'],
      ['add SPRING 20% --until tomorrow', '--until "tomorrow" is not a date like 2027-03-01.'],
      ['add SPRING 20% --until 2026-12-01', '--until 2026-12-01 has passed; a code runs until today or later.'],
      ['add SPRING 20% --tariff GOLD', 'Unknown tariff "GOLD"; one of: BASIC, FEEDBACK, PREMIUM.'],
      ['add SPRING 20% --course Py_101', 'Not a course slug: "Py_101".'],
    ];
    for (const [line, reason] of cases) expect(refusal(line), line).toBe(reason);
  });
});
