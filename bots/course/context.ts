import type { Context, SessionFlavor } from 'grammy';
import type { Sql } from '../../db';
import type { MessagePart } from '../../lib/enrollment-definitions';
import type { CourseMessages } from '../../locales/course';
import type { EnrollmentClient } from '../../services/enrollments';

/** An assignment being put together, message by message, until the student presses Send. */
export interface CourseSession {
  submission?: { slug: string; day: number; parts: MessagePart[]; firstMessageId?: number; lastAlbum?: string };
  /** The student is about to ask a curator about this lesson. */
  question?: { slug: string; day: number };
}

export interface CourseSettings {
  /** The review chat; answers there come from reviewers only. */
  adminChatId?: number;
  /** Telegram user ids allowed to review. */
  reviewerIds: number[];
  /** Where unpaid or unknown users are sent, e.g. "@my_sales_bot". */
  salesBot: string;
}

export interface CourseBotDeps {
  sql: Sql;
  enrollments: EnrollmentClient;
  settings: CourseSettings;
  log?: (line: string) => void;
}

export type CourseContext = Context & SessionFlavor<CourseSession> & { t: CourseMessages; deps: CourseBotDeps };
