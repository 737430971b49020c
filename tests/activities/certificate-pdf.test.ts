import { describe, expect, it } from 'vitest';
import { certificatePdf } from '../../activities/certificate-pdf';
import { formatDate } from '../../activities/certificates';
import { LOCALES } from '../../locales';
import { pdfFonts, pdfTexts } from '../helpers/pdf-text';

describe('the certificate PDF', () => {
  const input = {
    name: 'Анна-Мария Петрова',
    course: 'Боты в Telegram за 7 дней',
    issuedOn: formatDate('2026-12-02', 'ru'),
    code: 'ABCD-EFGH-JKMN',
    texts: LOCALES.ru.certificate,
  };

  it('is a PDF that shows a Cyrillic name, the course, the date and the code in the embedded DejaVu font', async () => {
    const pdf = await certificatePdf(input);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfFonts(pdf)).toEqual(expect.arrayContaining([expect.stringMatching(/^[A-Z]{6}\+DejaVuSans$/)]));
    // Only embedded fonts: none of the 14 standard ones, which have no Cyrillic.
    expect(pdfFonts(pdf).every((font) => font.includes('DejaVu'))).toBe(true);
    const texts = pdfTexts(pdf);
    for (const line of [
      'Анна-Мария Петрова',
      'Боты в Telegram за 7 дней',
      'СЕРТИФИКАТ О ПРОХОЖДЕНИИ КУРСА',
      'Дата выдачи: 2 декабря 2026 г.',
      'Код проверки: ABCD-EFGH-JKMN',
    ]) {
      expect(texts, line).toContain(line);
    }
  });

  it('is A4 landscape', async () => {
    const pdf = (await certificatePdf({ ...input, texts: LOCALES.en.certificate })).toString('latin1');
    expect(pdf).toMatch(/\/MediaBox \[0 0 841\.89 595\.28\]/);
    expect(pdfTexts(Buffer.from(pdf, 'latin1'))).toContain('This certifies that');
  });
});
