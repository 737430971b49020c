import { createRequire } from 'node:module';

/** DejaVu Sans (the `dejavu-fonts-ttf` package): Latin, Cyrillic, Greek and more, embedded (subset) in every PDF. */
const require = createRequire(import.meta.url);
export const CERTIFICATE_FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
export const CERTIFICATE_FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

export interface CertificateInput {
  /** The student's name as they set it (/name), or their Telegram name. */
  name: string;
  course: string;
  /** The issue date as printed, already in the student's language. */
  issuedOn: string;
  /** The verification code as printed (grouped). */
  code: string;
  texts: { heading: string; certifies: string; completed: string; issued: string; code: string };
}

/**
 * The certificate as an A4 landscape PDF: heading, name, course, date and verification code, in a font that covers
 * Cyrillic. Pure: the same input gives a document with the same text, nothing is written anywhere.
 */
export async function certificatePdf(input: CertificateInput): Promise<Buffer> {
  // Loaded on first use: pdfkit and fontkit are heavy, and most workers never issue a certificate.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 0,
    font: CERTIFICATE_FONT,
    info: { Title: `${input.texts.heading}: ${input.course}`, Creator: 'telegram-course-platform' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const { width, height } = doc.page;
  const inner = { x: 60, width: width - 120 };
  doc
    .lineWidth(3)
    .strokeColor('#1f4e79')
    .rect(24, 24, width - 48, height - 48)
    .stroke();
  doc
    .lineWidth(1)
    .rect(34, 34, width - 68, height - 68)
    .stroke();
  const line = (text: string, y: number, size: number, bold = false, color = '#222222') =>
    doc
      .font(bold ? CERTIFICATE_FONT_BOLD : CERTIFICATE_FONT)
      .fontSize(size)
      .fillColor(color)
      .text(text, inner.x, y, { width: inner.width, align: 'center', lineBreak: true });

  line(input.texts.heading.toUpperCase(), 95, 30, true, '#1f4e79');
  line(input.texts.certifies, 175, 16);
  line(input.name, 215, 34, true);
  line(input.texts.completed, 295, 16);
  line(input.course, 330, 24, true, '#1f4e79');
  line(`${input.texts.issued}: ${input.issuedOn}`, 440, 13, false, '#444444');
  line(`${input.texts.code}: ${input.code}`, 465, 13, false, '#444444');
  doc.end();
  return done;
}
