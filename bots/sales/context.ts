import type { Context, SessionFlavor } from 'grammy';
import type { User } from 'grammy/types';
import type { Sql } from '../../db';
import type { Tariff } from '../../domain/tariffs';
import type { SalesMessages } from '../../locales/sales';
import type { PaymentCompletion } from '../../payments/completion';
import type { OrderStore } from '../../payments/orders';
import type { PaymentProvider } from '../../payments/types';
import type { EnrollmentClient } from '../../journey/client';
import type { AdminChatSettings } from '../admin-chat';

/**
 * What the bot is waiting for from this user's next message, if anything. A type, not an interface: sessions are
 * stored as JSON, and only a type alias is checked against postgres.js's JSONValue (postgresSessionStorage).
 */
export type SalesSession = {
  awaiting?:
    | { kind: 'promo'; slug: string; tariff: Tariff }
    | { kind: 'email'; slug: string; tariff: Tariff; provider: string }
    | { kind: 'question' }
    | { kind: 'time-zone' };
  promo?: { slug: string; code: string };
};

export interface SalesSettings extends AdminChatSettings {
  /** The course the bot sells; the first imported course when unset. */
  courseSlug?: string;
  /** Where "talk to a human" questions go; admins (REVIEWER_IDS) answer by replying there and may /refund. */
  adminChatId?: number;
  offerUrl: string;
  privacyUrl: string;
  /** Bump to ask everyone to accept the documents again. */
  termsVersion: string;
  supportContact: string;
  /** Providers that need an e-mail for the receipt before checkout. */
  emailRequiredBy: string[];
}

export interface SalesBotDeps {
  sql: Sql;
  enrollments: EnrollmentClient;
  orders: OrderStore;
  completion: PaymentCompletion;
  /** In the order the buttons show them. */
  providers: PaymentProvider[];
  settings: SalesSettings;
  log?: (line: string) => void;
}

export type SalesContext = Context & SessionFlavor<SalesSession> & { t: SalesMessages; deps: SalesBotDeps };

/** An update with a sender: a button press, or a message from a user. Checkout steps act for this user. */
export type BuyerContext = SalesContext & { from: User };
