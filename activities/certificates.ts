import { randomBytes } from 'node:crypto';
import { InputFile } from 'grammy';
import type { Sql } from '../db';
import { certificateCode, groupedCode, nameInitials } from '../domain/certificates';
import { escapeHtml, LOCALES } from '../locales';
import { callTelegram } from '../telegram/call';
import { sendKey } from '../telegram/send-keys';
import { certificatePdf } from './certificate-pdf';
import { recipientOf } from './recipient';
import { sendOnce } from './send-once';
import type { TelegramBots } from './telegram';

/** What Postgres keeps of a certificate: what verification shows, never the full name or the PDF. */
interface StoredCertificate {
  code: string;
  courseTitle: string;
  /** YYYY-MM-DD, UTC. */
  issuedOn: string;
}

/** Tries at a fresh code when a new one happens to be taken (60 random bits: practically never). */
const CODE_ATTEMPTS = 5;

/**
 * The certificate of completion (#17). Idempotent: the enrollment's certificate row is created once (a retry finds
 * its code), and the document is sent once under its sent_messages key.
 */
export function createCertificates({ sql, telegram }: { sql: Sql; telegram: TelegramBots }) {
  return {
    /** Issues the enrollment's certificate: a code stored with the initials, the PDF sent to the student once. */
    async issueCertificate(input: { enrollmentId: number }): Promise<void> {
      const { enrollmentId } = input;
      const r = await recipientOf(sql, enrollmentId);
      const [user]: [{ certificateName: string | null; firstName: string; lastName: string | null }?] = await sql`
        select u.certificate_name, u.first_name, u.last_name from enrollments e join users u on u.id = e.user_id
        where e.id = ${enrollmentId}`;
      const name = user?.certificateName ?? [user?.firstName, user?.lastName].filter(Boolean).join(' ').trim();
      const stored = await storedCertificate(
        sql,
        { enrollmentId, courseId: r.courseId, courseTitle: r.courseTitle },
        () => nameInitials(name),
      );
      const code = groupedCode(stored.code);
      // The date in the language the texts are in (the student's, or the course's when we do not speak theirs).
      const language = Object.entries(LOCALES).find(([, messages]) => messages === r.t)?.[0] ?? 'en';
      await sendOnce(sql, sendKey.certificate(enrollmentId), r.chatId, async () => {
        const pdf = await certificatePdf({
          name,
          course: stored.courseTitle,
          issuedOn: formatDate(stored.issuedOn, language),
          code,
          texts: r.t.certificate,
        });
        const m = await callTelegram(() =>
          telegram.course.sendDocument(r.chatId, new InputFile(pdf, `certificate-${code}.pdf`), {
            caption: r.t.certificate.caption({ course: escapeHtml(stored.courseTitle), code }),
            parse_mode: 'HTML',
          }),
        );
        return [m.message_id];
      });
    },
  };
}

/** The enrollment's certificate row, created with a fresh code the first time (and the same one ever after). */
async function storedCertificate(
  sql: Sql,
  input: { enrollmentId: number; courseId: number; courseTitle: string },
  initials: () => string,
): Promise<StoredCertificate> {
  for (let attempt = 1; attempt <= CODE_ATTEMPTS; attempt++) {
    // No conflict target: an enrollment already holding a certificate and a code already taken both insert nothing.
    await sql`
      insert into certificates (enrollment_id, code, initials, course_id, course_title, issued_on)
      values (${input.enrollmentId}, ${certificateCode(randomBytes(12))}, ${initials()}, ${input.courseId},
              ${input.courseTitle}, (now() at time zone 'utc')::date)
      on conflict do nothing`;
    const [row]: [StoredCertificate?] = await sql`
      select code, course_title, issued_on::text from certificates where enrollment_id = ${input.enrollmentId}`;
    if (row) return row;
  }
  throw new Error(`No free certificate code after ${CODE_ATTEMPTS} attempts`);
}

/** "2 December 2026", "2 декабря 2026 г.": the issue day in the student's language. */
export function formatDate(isoDate: string, language: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  try {
    return new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
  } catch {
    return isoDate;
  }
}
