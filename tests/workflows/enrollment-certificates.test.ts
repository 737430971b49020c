import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { Api } from 'grammy';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { createTelegramBots } from '../../activities/telegram';
import type { EnrollmentInput } from '../../journey/definitions';
import { createErasure } from '../../journey/erasure';
import { studentData } from '../../journey/student-data';
import { createHttpApp } from '../../server/app';
import type { TgUser } from '../../testing/bot-api';
import { startCourseBot } from '../helpers/course-bot';
import type { CourseBotDriver } from '../helpers/course-bot';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { saveHistoryIfCapturing } from '../helpers/histories';
import { pdfTexts } from '../helpers/pdf-text';
import { COURSE_TOKEN, SALES_TOKEN } from '../helpers/platform';
import { startSalesPlatform } from '../helpers/sales';
import type { SalesPlatform } from '../helpers/sales';

const CODE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

/**
 * Certificates (#17) on the real dev server: a student who completes a course that issues them gets one PDF with the
 * name they set, Postgres keeps only the code and the initials, and anyone can check the code in the sales bot and
 * over HTTP; a course that does not issue them sends none.
 */
describe('certificates', () => {
  let p: SalesPlatform;
  let courseBot: CourseBotDriver;
  let http: Server;
  let httpUrl: string;
  let withCertificate: string;
  let without: string;
  /** What the first test issued, for the verification tests. */
  let issued: { code: string; telegramId: number; userId: number };

  beforeAll(async () => {
    withCertificate = `cert-${Math.random().toString(36).slice(2, 8)}`;
    p = await startSalesPlatform({ courseSlug: withCertificate });
    without = p.slug('nocert');
    // Two lessons a second apart, each with a BASIC task: the journey completes within seconds.
    for (const slug of [withCertificate, without]) {
      await insertCourse(p.db.sql, { slug, intervalMs: 1_000, lessons: [{ day: 1 }, { day: 2 }] });
    }
    await p.db.sql`update courses set certificate = true, title = 'Боты в Telegram' where slug = ${withCertificate}`;
    courseBot = await startCourseBot(p);
    http = createServer(createHttpApp({ certificates: { sql: p.db.sql } }));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    httpUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => http?.close(resolve).closeAllConnections());
    await courseBot?.stop();
    await p?.close();
  });
  afterEach(() => {
    expect(courseBot.log.filter((line) => /update \d+ failed/.test(line))).toEqual([]);
    expect(p.botLog.filter((line) => /update \d+ failed/.test(line))).toEqual([]);
  });

  async function completes(input: EnrollmentInput) {
    const handle = p.temporal.enrollments.handle(input);
    await p.temporal.enrollments.pay(input, payment('BASIC'));
    expect(await handle.result()).toEqual({ stage: 'completed', lessonsDelivered: [1, 2] });
    return handle;
  }

  const documentsTo = (chatId: number) => p.telegram.sent(chatId).filter((m) => m.kind === 'document');

  /** The uploaded file, downloaded as the student's Telegram app would. */
  async function download(fileId: string | undefined): Promise<Buffer> {
    if (!fileId) throw new Error('no document');
    const file = await new Api(COURSE_TOKEN, { apiRoot: p.telegram.apiRoot }).getFile(fileId);
    const response = await fetch(`${p.telegram.apiRoot}/file/bot${COURSE_TOKEN}/${file.file_path}`);
    return Buffer.from(await response.arrayBuffer());
  }

  it('/name takes a name in any script and refuses what is not one, changing nothing', async () => {
    const { telegramId, userId } = await insertUser(p.db.sql, { firstName: 'Anna' });
    const student: TgUser = { id: telegramId, first_name: 'Anna' };
    const nameOf = async () => (await p.db.sql`select certificate_name from users where id = ${userId}`)[0];

    await courseBot.send(student, { text: '/name' });
    expect(courseBot.textsTo(telegramId).at(-1)).toMatch(
      /^🎓 Your certificates will carry your Telegram name \(Anna\)/,
    );
    for (const bad of ['/name R2-D2', '/name <b>Anna</b>', `/name ${'a'.repeat(65)}`]) {
      await courseBot.send(student, { text: bad });
      expect(courseBot.textsTo(telegramId).at(-1), bad).toMatch(/^That name can't go on a certificate/);
    }
    expect(await nameOf()).toEqual({ certificateName: null });

    await courseBot.send(student, { text: '/name   Анна-Мария   Петрова ' });
    expect(courseBot.textsTo(telegramId).at(-1)).toBe('🎓 Your certificates will read: Анна-Мария Петрова');
    expect(await nameOf()).toEqual({ certificateName: 'Анна-Мария Петрова' });
    await courseBot.send(student, { text: '/name R2-D2' });
    expect(await nameOf()).toEqual({ certificateName: 'Анна-Мария Петрова' });
    await courseBot.send(student, { text: '/name' });
    expect(courseBot.textsTo(telegramId).at(-1)).toMatch(/^🎓 Your certificates read: Анна-Мария Петрова\n/);

    const stranger = 990_000_000 + Math.floor(Math.random() * 1_000_000);
    await courseBot.send({ id: stranger, first_name: 'Eve' }, { text: '/name Eve Smith' });
    expect(courseBot.textsTo(stranger).at(-1)).toMatch(/^You have no course here yet/);

    // The student who set a name completes the course that issues certificates.
    const input = { userId, courseSlug: withCertificate };
    const handle = await completes(input);
    const documents = documentsTo(telegramId);
    expect(documents).toHaveLength(1);
    const [certificate] = documents;
    const code = /code (\S+)\./.exec(certificate!.caption ?? '')?.[1] ?? '';
    expect(code).toMatch(CODE);
    expect(certificate!.caption).toBe(
      `🎓 Your certificate for Боты в Telegram. Anyone can check it with the code ${code}.`,
    );
    expect(certificate!.params.document).toBeDefined();
    const pdf = await download(certificate!.media);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const texts = pdfTexts(pdf);
    expect(texts).toEqual(
      expect.arrayContaining(['Анна-Мария Петрова', 'Боты в Telegram', `Verification code: ${code}`]),
    );
    // The completion message comes first, the certificate right after it.
    expect(courseBot.textsTo(telegramId).slice(-2)).toEqual([
      expect.stringMatching(/^🏁 That was the last lesson/),
      certificate!.caption,
    ]);

    // Postgres keeps the code and the initials, never the name (nor the PDF).
    const rows = await p.db.sql`
      select c.*, row_to_json(c)::text as whole from certificates c
      join enrollments e on e.id = c.enrollment_id where e.user_id = ${userId}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      code: code.replace(/-/g, ''),
      initials: 'А.-М. П.',
      courseTitle: 'Боты в Telegram',
    });
    expect(rows[0]!.whole).not.toMatch(/Анна|Петрова|Мария/);
    await saveHistoryIfCapturing(handle, 'certificate-issued');
    issued = { code, telegramId, userId };
  });

  it('issues one certificate per enrollment: the step again sends nothing more and keeps the code', async () => {
    const activities = createActivities({
      sql: p.db.sql,
      telegram: createTelegramBots({ salesToken: SALES_TOKEN, courseToken: COURSE_TOKEN, apiRoot: p.telegram.apiRoot }),
    });
    const [enrollment] = await p.db.sql<{ id: number }[]>`
      select id from enrollments where user_id = ${issued.userId}`;
    await activities.issueCertificate({ enrollmentId: enrollment!.id });
    expect(documentsTo(issued.telegramId)).toHaveLength(1);
    const codes = await p.db.sql`select code from certificates where enrollment_id = ${enrollment!.id}`;
    expect(codes).toEqual([{ code: issued.code.replace(/-/g, '') }]);
  });

  it('prints the Telegram name when the student set none', async () => {
    const { telegramId, userId } = await insertUser(p.db.sql, { firstName: 'Grace' });
    await p.db.sql`update users set last_name = 'Hopper' where id = ${userId}`;
    await completes({ userId, courseSlug: withCertificate });
    const [certificate] = documentsTo(telegramId);
    expect(pdfTexts(await download(certificate?.media))).toContain('Grace Hopper');
    const [row] = await p.db.sql`
      select initials from certificates c join enrollments e on e.id = c.enrollment_id where e.user_id = ${userId}`;
    expect(row).toEqual({ initials: 'G. H.' });
  });

  it('sends none for a course that does not issue certificates', async () => {
    const { telegramId, userId } = await insertUser(p.db.sql);
    await completes({ userId, courseSlug: without });
    expect(courseBot.textsTo(telegramId).at(-1)).toMatch(/^🏁 That was the last lesson/);
    expect(documentsTo(telegramId)).toEqual([]);
    const rows = await p.db.sql`
      select 1 from certificates c join enrollments e on e.id = c.enrollment_id where e.user_id = ${userId}`;
    expect(rows).toEqual([]);
  });

  it('/verify in the sales bot: a good code (however typed), an unknown one, a malformed one', async () => {
    const checker = p.student({ id: 880_000_000 + Math.floor(Math.random() * 1_000_000), first_name: 'Vera' });
    const today = new Date().toISOString().slice(0, 10);
    await checker.send(`/verify ${issued.code.toLowerCase().replace(/-/g, ' ')}`);
    expect(checker.messages().at(-1)?.text).toBe(
      `✅ Certificate ${issued.code} is genuine: А.-М. П. completed “Боты в Telegram” (issued ${today}).`,
    );
    await checker.send(`/verify ${unknownCode(issued.code)}`);
    expect(checker.messages().at(-1)?.text).toBe('❌ No certificate has this code. Check it and try again.');
    for (const malformed of ['/verify', '/verify ABCD-EFGH', '/verify ABCD-EFGH-JKMU']) {
      await checker.send(malformed);
      expect(checker.messages().at(-1)?.text, malformed).toMatch(/^A certificate code has 12 letters and digits/);
    }
  });

  it('GET /certificates/<code>: 200 with initials, course and date only; 404 unknown; 400 malformed', async () => {
    const good = await fetch(`${httpUrl}/certificates/${issued.code.toLowerCase()}`);
    expect(good.status).toBe(200);
    expect(await good.json()).toEqual({
      code: issued.code,
      initials: 'А.-М. П.',
      course: 'Боты в Telegram',
      issuedOn: new Date().toISOString().slice(0, 10),
    });
    const unknown = await fetch(`${httpUrl}/certificates/${unknownCode(issued.code)}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'no such certificate' });
    for (const malformed of ['ABCD', 'ABCD-EFGH-JKMU', '%27%20or%201%3D1', 'x'.repeat(200)]) {
      const response = await fetch(`${httpUrl}/certificates/${malformed}`);
      expect(response.status, malformed).toBe(400);
      expect(await response.json()).toEqual({ error: 'malformed certificate code' });
    }
  });

  it('GET /certificates answers 429 past its lookups a minute from one address', async () => {
    const limited = createServer(createHttpApp({ certificates: { sql: p.db.sql, perMinute: 2 } }));
    await new Promise<void>((resolve) => limited.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(limited.address() as AddressInfo).port}/certificates/${issued.code}`;
    try {
      expect([(await fetch(url)).status, (await fetch(url)).status, (await fetch(url)).status]).toEqual([
        200, 200, 429,
      ]);
    } finally {
      await new Promise((resolve) => limited.close(resolve).closeAllConnections());
    }
  });

  it('/mydata shows the name and the certificates; /forget erases both', async () => {
    const data = (await studentData(p.db.sql, issued.telegramId)) as {
      profile: { certificateName: string };
      certificates: { code: string; initials: string }[];
    };
    expect(data.profile.certificateName).toBe('Анна-Мария Петрова');
    expect(data.certificates).toEqual([
      expect.objectContaining({ code: issued.code.replace(/-/g, ''), initials: 'А.-М. П.' }),
    ]);
    const erasure = createErasure({
      sql: p.db.sql,
      enrollments: p.temporal.enrollments,
      cancelPendingOrders: async () => {},
    });
    const groups = { revokeInvite: async () => {}, removeFromGroup: async () => {} };
    expect(await erasure.forget({ via: 'student' }, issued.telegramId, groups)).toMatchObject({ erased: true });
    expect(await p.db.sql`select certificate_name from users where id = ${issued.userId}`).toEqual([
      { certificateName: null },
    ]);
    expect((await fetch(`${httpUrl}/certificates/${issued.code}`)).status).toBe(404);
  });
});

/** A well-formed code that differs from `code` in its last character. */
function unknownCode(code: string): string {
  return `${code.slice(0, -1)}${code.endsWith('0') ? '1' : '0'}`;
}
