import type { ChatTypeContext, Context, SessionFlavor } from 'grammy';
import type { Sql } from '../../db';
import type { MessagePart } from '../../journey/definitions';
import type { CourseMessages } from '../../locales/course';
import type { EnrollmentClient } from '../../journey/client';
import type { BroadcastClient } from '../../journey/broadcast-client';
import type { AdminChatSettings } from '../admin-chat';

/**
 * An assignment being put together, message by message, until the student presses Send. A type, not an interface:
 * sessions are stored as JSON, and only a type alias is checked against postgres.js's JSONValue.
 */
export type CourseSession = {
  submission?: { slug: string; day: number; parts: MessagePart[]; firstMessageId?: number; lastAlbum?: string };
  /** The student is about to ask a curator about this lesson. */
  question?: { slug: string; day: number };
};

export interface CourseSettings extends AdminChatSettings {
  /** The review chat; answers and admin commands there come from reviewers (REVIEWER_IDS) only. */
  adminChatId?: number;
  /** Where unpaid or unknown users are sent, e.g. "@my_sales_bot". */
  salesBot: string;
  /** SUBMISSION_MAX_PARTS: messages one submission may hold (DEFAULT_SUBMISSION_MAX_PARTS when unset). */
  maxSubmissionParts?: number;
  /** PARTNER_MIN_PAYOUT (#18): the least `/partner paid` pays out, in minor units per currency; unset: any amount. */
  partnerMinPayout?: Record<string, number>;
}

export interface CourseBotDeps {
  sql: Sql;
  enrollments: EnrollmentClient;
  settings: CourseSettings;
  /** Starts and signals broadcasts (#18); without it /broadcast answers that broadcasts are not set up. */
  broadcasts?: BroadcastClient;
  log?: (line: string) => void;
}

export type CourseContext = Context & SessionFlavor<CourseSession> & { t: CourseMessages; deps: CourseBotDeps };

/** A student in their private chat with the bot, where every student feature lives: `from` and `chat` are set. */
export type StudentContext = ChatTypeContext<CourseContext, 'private'>;
