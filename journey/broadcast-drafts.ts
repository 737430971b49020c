import type { Sql } from '../db';
import { STAGES } from '../domain/stages';
import { TARIFFS } from '../domain/tariffs';
import { AdminOpError, auditAdminAction } from './admin-ops';
import type { AdminActor } from './admin-ops';
import { audienceOf, countAudience } from './broadcast-audience';
import type { BroadcastAudience } from './broadcast-audience';
import type { BroadcastClient } from './broadcast-client';

export type AudienceField = 'course' | 'tariff' | 'stage' | 'cohort' | 'partner' | 'language';

/** A draft as the review desk shows it: its audience, who is in it now, and what each field may be set to. */
export interface BroadcastDraft {
  id: number;
  status: string;
  audience: BroadcastAudience;
  count: number;
  options: {
    courses: { id: number; slug: string }[];
    cohorts: { id: number; name: string }[];
    partners: string[];
    languages: string[];
  };
}

/** Options offered per field: the keyboard stays readable (the rest can be typed as a partner link, say). */
const MAX_OPTIONS = 8;
const PARTNER_CODE = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The review desk's side of broadcasts (#18): a draft per /broadcast, its audience picked field by field, Confirm
 * (once: the row moves from draft to confirmed in one statement, and its workflow id is the row's), Drop, and Pause /
 * Resume / Cancel as signals. Every refusal is an AdminOpError whose message is the answer; nothing changes then.
 */
export function createBroadcastDrafts(deps: { sql: Sql; broadcasts?: BroadcastClient }) {
  const { sql } = deps;

  const client = () => {
    if (!deps.broadcasts) throw new AdminOpError('Broadcasts are not set up in this bot.');
    return deps.broadcasts;
  };

  async function mustDraft(id: number) {
    const [row]: [{ status: string }?] = await sql`select status from broadcasts where id = ${id}`;
    if (!row) throw new AdminOpError(`There is no broadcast #${id}.`);
    if (row.status !== 'draft') throw new AdminOpError(`Broadcast #${id} is ${row.status}: its audience is settled.`);
  }

  /** The value as stored, once it names something that exists; an AdminOpError otherwise. */
  async function checked(id: number, field: AudienceField, value: string | null): Promise<string | number | null> {
    if (value === null) return null;
    const bad = () => new AdminOpError(`"${value}" is not a ${field} a broadcast can go to.`);
    if (field === 'tariff') return TARIFFS.find((t) => t === value) ?? Promise.reject(bad());
    if (field === 'stage') return STAGES.find((s) => s === value) ?? Promise.reject(bad());
    if (field === 'language') {
      if (!/^[a-z]{2,3}$/.test(value)) throw bad();
      return value;
    }
    if (field === 'partner') {
      const [row] = await sql`select 1 from referrals where partner_id = ${value} limit 1`;
      if (!PARTNER_CODE.test(value) || !row) throw bad();
      return value;
    }
    if (!/^[1-9]\d{0,11}$/.test(value)) throw bad();
    const [row] =
      field === 'course'
        ? await sql`select 1 from courses where id = ${Number(value)}`
        : await sql`select 1 from cohorts h join broadcasts b on b.course_id = h.course_id
                    where h.id = ${Number(value)} and b.id = ${id}`;
    if (!row) throw bad();
    return Number(value);
  }

  return {
    /** A new draft for the message(s) at `messageIds` in the review chat; its audience starts as everyone. */
    async create(actor: AdminActor, source: { chatId: number; messageIds: number[] }): Promise<number> {
      const [row] = await sql<{ id: number }[]>`
        insert into broadcasts (created_by, source_chat_id, source_message_ids)
        values (${actor.telegramId}, ${source.chatId}, ${source.messageIds}) returning id`;
      return row!.id;
    },

    async show(id: number): Promise<BroadcastDraft> {
      const [row]: [{ status: string }?] = await sql`select status from broadcasts where id = ${id}`;
      const audience = await audienceOf(sql, id);
      if (!row || !audience) throw new AdminOpError(`There is no broadcast #${id}.`);
      const courses = await sql<{ id: number; slug: string }[]>`
        select id, slug from courses order by id limit ${MAX_OPTIONS}`;
      const cohorts =
        audience.courseId === null
          ? []
          : await sql<{ id: number; name: string }[]>`
              select id, name from cohorts where course_id = ${audience.courseId} order by starts_on desc limit ${MAX_OPTIONS}`;
      const partners = await sql<{ partnerId: string }[]>`
        select partner_id from referrals where partner_id ~ '^[A-Za-z0-9_-]{1,32}$'
        group by 1 order by count(*) desc, 1 limit ${MAX_OPTIONS}`;
      const languages = await sql<{ language: string }[]>`
        select split_part(coalesce(language_code, 'en'), '-', 1) as language from users
        where split_part(coalesce(language_code, 'en'), '-', 1) ~ '^[a-z]{2,3}$'
        group by 1 order by count(*) desc, 1 limit ${MAX_OPTIONS}`;
      return {
        id,
        status: row.status,
        audience,
        count: await countAudience(sql, audience),
        options: {
          courses: [...courses],
          cohorts: [...cohorts],
          partners: partners.map((p) => p.partnerId),
          languages: languages.map((l) => l.language),
        },
      };
    },

    /** Sets one field of a draft's audience (null: any); choosing another course lets go of the cohort. */
    async setField(id: number, field: AudienceField, value: string | null): Promise<void> {
      await mustDraft(id);
      const stored = await checked(id, field, value);
      const column = {
        course: 'course_id',
        tariff: 'tariff',
        stage: 'stage',
        cohort: 'cohort_id',
        partner: 'partner_id',
        language: 'language',
      }[field];
      const cohortToo = field === 'course' ? sql`, cohort_id = null` : sql``;
      await sql`update broadcasts set ${sql(column)} = ${stored}${cohortToo} where id = ${id} and status = 'draft'`;
    },

    /**
     * Confirms a draft and starts its workflow. Of N presses at once, one moves the row and starts it; the others are
     * told it is under way. A workflow that cannot be started leaves the draft as it was, to be confirmed again.
     */
    async confirm(actor: AdminActor, id: number): Promise<{ recipients: number }> {
      const audience = await audienceOf(sql, id);
      if (!audience) throw new AdminOpError(`There is no broadcast #${id}.`);
      const recipients = await countAudience(sql, audience);
      if (recipients === 0) throw new AdminOpError(`Nobody matches broadcast #${id}'s audience; nothing was sent.`);
      const broadcasts = client();
      const moved = await sql`
        update broadcasts set status = 'confirmed', confirmed_by = ${actor.telegramId}, confirmed_at = now(),
               recipients_total = ${recipients}
        where id = ${id} and status = 'draft' returning id`;
      if (moved.length === 0) {
        const [row]: [{ status: string }?] = await sql`select status from broadcasts where id = ${id}`;
        throw new AdminOpError(
          row?.status === 'dropped'
            ? `Broadcast #${id} was dropped; nothing was sent.`
            : `Broadcast #${id} is under way already.`,
        );
      }
      try {
        await broadcasts.start(id);
      } catch (err) {
        await sql`update broadcasts set status = 'draft', confirmed_by = null, confirmed_at = null
                  where id = ${id} and status = 'confirmed'`;
        throw err;
      }
      await auditAdminAction(sql, actor, 'start-broadcast', `broadcast:${id}`, { recipients, ...audience });
      return { recipients };
    },

    async drop(actor: AdminActor, id: number): Promise<void> {
      const dropped =
        await sql`update broadcasts set status = 'dropped' where id = ${id} and status = 'draft' returning id`;
      if (dropped.length === 0) await mustDraft(id);
      await auditAdminAction(sql, actor, 'drop-broadcast', `broadcast:${id}`, {});
    },

    /** Pause, Resume or Cancel a broadcast under way. */
    async control(actor: AdminActor, id: number, action: 'pause' | 'resume' | 'cancel'): Promise<void> {
      const [row]: [{ status: string }?] = await sql`select status from broadcasts where id = ${id}`;
      if (!row) throw new AdminOpError(`There is no broadcast #${id}.`);
      if (['draft', 'dropped', 'finished', 'cancelled'].includes(row.status) || !(await client().signal(id, action))) {
        throw new AdminOpError(`Broadcast #${id} is not under way (${row.status}); nothing changed.`);
      }
      if (action === 'cancel') await auditAdminAction(sql, actor, 'cancel-broadcast', `broadcast:${id}`, {});
    },
  };
}

export type BroadcastDrafts = ReturnType<typeof createBroadcastDrafts>;
