import type { Sql } from '../db';
import { canonicalCode, groupedCode } from '../domain/certificates';

/** What anyone may learn from a certificate's code (#17): nothing more than this. */
export interface CertificateCheck {
  code: string;
  initials: string;
  course: string;
  /** YYYY-MM-DD. */
  issuedOn: string;
}

/**
 * Looks a typed code up for /verify and GET /certificates/<code>: 'malformed' when it cannot be a code (nothing is
 * read then), null when no certificate has it. One indexed lookup by the whole code, so the answer's time says
 * nothing about how close a guess came.
 */
export async function checkCertificate(sql: Sql, typed: string): Promise<CertificateCheck | 'malformed' | null> {
  const code = canonicalCode(typed);
  if (!code) return 'malformed';
  const [row]: [{ initials: string; courseTitle: string; issuedOn: string }?] = await sql`
    select initials, course_title, issued_on::text from certificates where code = ${code}`;
  return row
    ? { code: groupedCode(code), initials: row.initials, course: row.courseTitle, issuedOn: row.issuedOn }
    : null;
}

/** Stores the name a student's certificates carry (already validated); false when the platform does not know them. */
export async function saveCertificateName(sql: Sql, telegramId: number, name: string): Promise<boolean> {
  const rows = await sql`
    update users set certificate_name = ${name}, updated_at = now() where telegram_id = ${telegramId} returning id`;
  return rows.length > 0;
}

/** The name set with /name, or null (the Telegram name is printed then); undefined when the student is unknown. */
export async function certificateNameOf(sql: Sql, telegramId: number): Promise<string | null | undefined> {
  const [row]: [{ certificateName: string | null }?] =
    await sql`select certificate_name from users where telegram_id = ${telegramId}`;
  return row ? row.certificateName : undefined;
}
