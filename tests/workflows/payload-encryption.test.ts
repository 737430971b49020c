import { randomBytes } from 'node:crypto';
import { ApplicationFailure, Client, WorkflowFailedError } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignmentSubmittedSignal, enrollmentWorkflowId, progressQuery } from '../../journey/definitions';
import { submitFeedbackUpdate } from '../../journey/definitions';
import type { EnrollmentInput } from '../../journey/definitions';
import { enrollmentClient } from '../../journey/client';
import { encryptingDataConverter, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../lib/payload-codec';
import type { PayloadKey } from '../../lib/payload-codec';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { ADMIN_CHAT_ID, eventually, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';
import { TEST_PAYLOAD_KEYS } from '../helpers/temporal';

type Payload = temporal.api.common.v1.IPayload;

/**
 * Issue #16 against the real dev server: a journey runs end to end encrypted, and its history as the server stores it
 * (read by a client without the codec) holds ciphertext only, with no Telegram id, name or text of the student's.
 */
describe('journeys with payload encryption', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(async () => platform?.close());

  it('keeps every payload of a whole journey encrypted, with no personal data in clear', async () => {
    const { sql } = platform.db;
    const courseSlug = platform.slug('crypt');
    await insertCourse(sql, { slug: courseSlug, intervalMs: 1_000, lessons: [{ day: 1 }, { day: 2 }] });
    const { userId, telegramId } = await insertUser(sql, { firstName: 'Zenobia' });
    const input: EnrollmentInput = { userId, courseSlug };
    const { enrollments } = platform.temporal;
    await enrollments.pay(input, payment('FEEDBACK'));
    const handle = enrollments.handle(input);
    await platform.telegram.waitForMessages(telegramId, 2);
    // A signal, a query and an update carry what the student and the reviewer wrote.
    await handle.signal(assignmentSubmittedSignal, {
      submissionKey: `${telegramId}:77`,
      day: 1,
      parts: [{ type: 'text', text: 'Zenobia’s essay on Palmyra' }],
    });
    await platform.telegram.waitForMessages(ADMIN_CHAT_ID, 2);
    const { assignments } = await eventually(
      () => handle.query(progressQuery),
      (p) => p.assignments[0]?.status === 'awaiting-review',
    );
    await handle.executeUpdate(submitFeedbackUpdate, {
      args: [
        { assignmentId: assignments[0]!.id, reviewerTelegramId: 424242, parts: [{ type: 'text', text: 'Bravo!' }] },
      ],
    });
    // Decoded by the codec, the journey reads as ever.
    expect(await handle.result()).toEqual({ stage: 'completed', lessonsDelivered: [1, 2] });

    const history = await rawHistory(platform, input);
    const payloads = payloadsOf(history);
    expect(payloads.length).toBeGreaterThan(10);
    for (const { path, payload } of payloads) {
      expect(encodingOf(payload), path).toBe(ENCRYPTED_ENCODING);
      expect(keyIdOf(payload), path).toBe(TEST_PAYLOAD_KEYS[0]?.id);
    }
    // Every kind: the input, the signal, the update, activity inputs and results, the summary and the result.
    const paths = payloads.map((p) => p.path).join('\n');
    for (const kind of ['workflowExecutionStartedEventAttributes.input', 'workflowExecutionSignaledEventAttributes']) {
      expect(paths).toContain(kind);
    }
    for (const kind of ['workflowExecutionUpdateAcceptedEventAttributes', 'activityTaskCompletedEventAttributes']) {
      expect(paths).toContain(kind);
    }
    for (const kind of ['userMetadata.summary', 'workflowExecutionCompletedEventAttributes.result']) {
      expect(paths).toContain(kind);
    }
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString('latin1');
    // The student's Telegram id and name, what they and the reviewer wrote, the reviewer's id, the lesson text.
    for (const secret of [String(telegramId), 'Zenobia', 'Palmyra', 'Bravo', '424242', 'Day 1. Lesson 1']) {
      expect(bytes, secret).not.toContain(secret);
    }
    // Search attributes stay plain for the UI's filters, and carry no personal data.
    expect(bytes).toContain(courseSlug);
    expect(bytes).toContain('FEEDBACK');
  });

  it('encrypts failures too: their messages and stack traces are payloads the codec seals', async () => {
    const courseSlug = platform.slug('fails');
    await insertCourse(platform.db.sql, { slug: courseSlug, intervalMs: 1_000, lessons: [{ day: 1 }] });
    // No such user: opening the journey fails for good, with a message that names what it failed on.
    const input: EnrollmentInput = { userId: 987_654_321, courseSlug };
    await platform.temporal.enrollments.start(input);
    const failure = await platform.temporal.enrollments
      .handle(input)
      .result()
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    // Through the codec the failure reads as it was thrown.
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = failure instanceof WorkflowFailedError ? failure.cause : undefined;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toHaveProperty('message', 'User 987654321 does not exist');

    const history = await rawHistory(platform, input);
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString('latin1');
    expect(history.events?.at(-1)?.workflowExecutionFailedEventAttributes).toBeTruthy();
    // (The workflow id carries the internal user id, not the message.)
    for (const secret of ['User 987654321', 'does not exist', 'enrollment-store'])
      expect(bytes, secret).not.toContain(secret);
    for (const { path, payload } of payloadsOf(history)) expect(encodingOf(payload), path).toBe(ENCRYPTED_ENCODING);
  });

  it('rotates keys: a running journey written with the old key goes on under the new one', async () => {
    const old: PayloadKey = { id: 'rotation-old', key: randomBytes(32) };
    const next: PayloadKey = { id: 'rotation-new', key: randomBytes(32) };
    const { sql } = platform.db;
    const courseSlug = platform.slug('rotate');
    await insertCourse(sql, { slug: courseSlug, intervalMs: 3_000, lessons: [{ day: 1 }, { day: 2 }] });
    const { userId, telegramId } = await insertUser(sql);
    const input: EnrollmentInput = { userId, courseSlug };
    const clientWith = (keys: PayloadKey[]) =>
      enrollmentClient(
        new Client({ connection: platform.temporal.client.connection, dataConverter: encryptingDataConverter(keys) }),
        platform.temporal.taskQueue,
      );

    await platform.restartWorker([old]);
    await clientWith([old]).pay(input, payment('BASIC'));
    await platform.telegram.waitForMessages(telegramId, 2);
    // Rotation: every process gets the new key first and keeps the old one for what is already written.
    await platform.restartWorker([next, old]);
    const rotated = clientWith([next, old]).handle(input);
    expect(await rotated.result()).toEqual({ stage: 'completed', lessonsDelivered: [1, 2] });

    const keyIds = payloadsOf(await rawHistory(platform, input)).map(({ payload }) => keyIdOf(payload));
    const firstNew = keyIds.indexOf(next.id);
    expect(firstNew).toBeGreaterThan(0);
    expect(new Set(keyIds.slice(0, firstNew))).toEqual(new Set([old.id]));
    expect(new Set(keyIds.slice(firstNew))).toEqual(new Set([next.id]));
    // Without the old key the journey's beginning is unreadable, with a message that names the key.
    const { input: started } = (await rawHistory(platform, input)).events?.[0]
      ?.workflowExecutionStartedEventAttributes ?? { input: undefined };
    const [first] = started?.payloads ?? [];
    await expect(encryptingDataConverter([next]).payloadCodecs[0]!.decode([first!])).rejects.toThrow(
      /key id rotation-old, which PAYLOAD_KEYS lacks/,
    );
  });
});

/** The history as the server stores it: read by a client without the codec. */
async function rawHistory(platform: Platform, input: EnrollmentInput) {
  const plain = new Client({ connection: platform.temporal.client.connection });
  const handle: WorkflowHandle = plain.workflow.getHandle(enrollmentWorkflowId(input));
  return handle.fetchHistory();
}

/**
 * Markers' bookkeeping that Temporal's Core SDK writes itself, past any codec: a patch's id, and a local activity's
 * sequence number, type and times (its result is ours, and encrypted). No personal data in either.
 */
const SDK_BOOKKEEPING = /markerRecordedEventAttributes\.details\.(patch-data|data)$/;

/** Every payload of ours in `value` with where it was found; search attributes are plain by design. */
function payloadsOf(value: unknown, path = 'history'): { path: string; payload: Payload }[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return [];
  if (path.endsWith('searchAttributes') || SDK_BOOKKEEPING.test(path)) return [];
  if (isPayload(value)) return [{ path, payload: value }];
  return Object.entries(value).flatMap(([key, child]) => payloadsOf(child, `${path}.${key}`));
}

const isPayload = (value: object): value is Payload => 'metadata' in value && 'data' in value;
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString();
const encodingOf = (payload: Payload) => text(payload.metadata?.encoding);
const keyIdOf = (payload: Payload) => text(payload.metadata?.[KEY_ID_METADATA]);
