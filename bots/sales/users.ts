import type { User } from 'grammy/types';
import type { Sql } from '../../db';

export interface StoredUser {
  id: number;
  telegramId: number;
  languageCode: string | null;
  timeZone: string;
  email: string | null;
}

/** Creates or refreshes the user from Telegram's profile (names and language change; the id never does). */
export async function upsertUser(sql: Sql, from: User): Promise<StoredUser> {
  const [row] = await sql<StoredUser[]>`
    insert into users (telegram_id, first_name, last_name, username, language_code)
    values (${from.id}, ${from.first_name}, ${from.last_name ?? null}, ${from.username ?? null}, ${from.language_code ?? null})
    on conflict (telegram_id) do update set
      first_name = excluded.first_name, last_name = excluded.last_name, username = excluded.username,
      language_code = coalesce(excluded.language_code, users.language_code), updated_at = now()
    returning id, telegram_id, language_code, time_zone, email`;
  if (!row) throw new Error(`users upsert of ${from.id} returned no row`);
  return row;
}

/**
 * First touch wins: a referral is recorded once per user, never for a link to oneself, and a later link does not
 * move it. Partner ids are opaque codes (a partner's Telegram id or a campaign name).
 */
export async function recordReferral(sql: Sql, user: StoredUser, partnerId: string): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(partnerId) || partnerId === String(user.telegramId)) return false;
  const inserted = await sql`
    insert into referrals (partner_id, referred_user_id) values (${partnerId}, ${user.id})
    on conflict (referred_user_id) do nothing returning id`;
  return inserted.length > 0;
}
