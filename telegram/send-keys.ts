import type { Sql } from '../db';

/**
 * The business keys of sent_messages: a message is sent at most once per key (activities/send-once.ts), so these
 * formats are part of the stored state of every running journey and never change. Only this module spells them.
 */
const lessonKeyPrefix = (enrollmentId: number, day: number) => `lesson:${enrollmentId}:${day}:`;

export const sendKey = {
  welcome: (enrollmentId: number) => `welcome:${enrollmentId}`,
  groupInvite: (enrollmentId: number, groupChatId: number) => `invite:${enrollmentId}:${groupChatId}`,
  upgrade: (enrollmentId: number, tariff: string) => `upgrade:${enrollmentId}:${tariff}`,
  underpaid: (provider: string, providerPaymentId: string) => `underpaid:${provider}:${providerPaymentId}`,
  accessEnded: (enrollmentId: number) => `refunded:${enrollmentId}`,
  /** Message `part` (from 0) of lesson `day`. */
  lessonPart: (enrollmentId: number, day: number, part: number) => `${lessonKeyPrefix(enrollmentId, day)}${part}`,
  assignmentAck: (assignmentId: number) => `assignment-ack:${assignmentId}`,
  reminder: (enrollmentId: number, day: number) => `reminder:${enrollmentId}:${day}`,
  /** A reminder the student set (#17), one per reminder time (`at`, epoch ms) it was due. */
  studentReminder: (enrollmentId: number, day: number, at: number) => `student-reminder:${enrollmentId}:${day}:${at}`,
  completion: (enrollmentId: number) => `completion:${enrollmentId}`,
  /** The intro before attempt `attempt` of lesson `day`'s quiz, and its poll for question `question` (from 0). */
  quizIntro: (enrollmentId: number, day: number, attempt: number) => `quiz:${enrollmentId}:${day}:${attempt}:intro`,
  quizPoll: (enrollmentId: number, day: number, attempt: number, question: number) =>
    `quiz:${enrollmentId}:${day}:${attempt}:${question}`,
  /** The course bot's answer to a finished attempt; also its claim to tell the journey, so only one update does. */
  quizResult: (enrollmentId: number, day: number, attempt: number) => `quiz:${enrollmentId}:${day}:${attempt}:result`,
  /** The certificate of completion (#17), one per enrollment. */
  certificate: (enrollmentId: number) => `certificate:${enrollmentId}`,
  reviewHeader: (assignmentId: number) => `review:${assignmentId}:header`,
  reviewPart: (assignmentId: number, part: number) => `review:${assignmentId}:${part}`,
  feedbackHeader: (assignmentId: number) => `feedback:${assignmentId}:header`,
  feedbackPart: (assignmentId: number, part: number) => `feedback:${assignmentId}:${part}`,
  /** A broadcast's copy to one student (#18), its status message and its final report in the review chat. */
  broadcast: (broadcastId: number, userId: number) => `broadcast:${broadcastId}:${userId}`,
  broadcastStatus: (broadcastId: number) => `broadcast:${broadcastId}:status`,
  broadcastReport: (broadcastId: number) => `broadcast:${broadcastId}:report`,
};

/**
 * Has lesson `day` reached the student? It has once any of its messages was sent: the delivery row follows the last
 * one, so a student who presses the task's button at once may be quicker than the row.
 */
export async function lessonArrived(sql: Sql, enrollmentId: number, day: number): Promise<boolean> {
  const rows = await sql`
    select 1 from lesson_deliveries where enrollment_id = ${enrollmentId} and day = ${day}
    union all select 1 from sent_messages where key like ${`${lessonKeyPrefix(enrollmentId, day)}%`} limit 1`;
  return rows.length > 0;
}
