import { STAGES } from '../../domain/stages';
import { TARIFFS } from '../../domain/tariffs';
import type { BroadcastDraft } from '../../journey/broadcast-drafts';
import { inlineButton } from '../../telegram/callback-data';
import type { BroadcastField } from '../../telegram/callback-data';

/** Stages worth a broadcast (awaiting-payment is a lead, the rest are students); expired and refunded are left out. */
const OFFERED_STAGES = STAGES.filter((s) => s !== 'expired' && s !== 'refunded');

/** The draft's message in the review chat: its audience and count, a row of choices per field, Confirm and Drop. */
export function renderPicker(draft: BroadcastDraft) {
  const { id, audience: a, options, count } = draft;
  const course =
    options.courses.find((c) => c.id === a.courseId)?.slug ?? (a.courseId === null ? 'any' : `#${a.courseId}`);
  const cohort =
    options.cohorts.find((c) => c.id === a.cohortId)?.name ?? (a.cohortId === null ? 'any' : `#${a.cohortId}`);
  const text = [
    `📣 Broadcast #${id}: the message above, to whom?`,
    `Course: ${course} · tariff: ${a.tariff ?? 'any'} · stage: ${a.stage ?? 'any'} · cohort: ${cohort} · ` +
      `partner: ${a.partnerId ?? 'any'} · language: ${a.language ?? 'any'}`,
    `Recipients now: ${count}`,
  ].join('\n');
  const row = (field: BroadcastField, current: string | null, choices: { value: string; label: string }[]) => [
    ...choices.map(({ value, label }) =>
      inlineButton(current === value ? `✅ ${label}` : label, {
        kind: 'broadcast-audience',
        broadcastId: id,
        field,
        value,
      }),
    ),
    inlineButton(current === null ? '✅ any' : 'any', {
      kind: 'broadcast-audience',
      broadcastId: id,
      field,
      value: null,
    }),
  ];
  const str = (n: number | null) => (n === null ? null : String(n));
  const rows = [
    row(
      'course',
      str(a.courseId),
      options.courses.map((c) => ({ value: String(c.id), label: c.slug })),
    ),
    row(
      'tariff',
      a.tariff,
      TARIFFS.map((t) => ({ value: t, label: t })),
    ),
    row(
      'stage',
      a.stage,
      OFFERED_STAGES.map((s) => ({ value: s, label: s })),
    ),
    ...(options.cohorts.length > 0
      ? [
          row(
            'cohort',
            str(a.cohortId),
            options.cohorts.map((c) => ({ value: String(c.id), label: c.name })),
          ),
        ]
      : []),
    ...(options.partners.length > 0
      ? [
          row(
            'partner',
            a.partnerId,
            options.partners.map((p) => ({ value: p, label: p })),
          ),
        ]
      : []),
    row(
      'language',
      a.language,
      options.languages.map((l) => ({ value: l, label: l })),
    ),
    [
      inlineButton(`✅ Confirm: send to ${count}`, { kind: 'broadcast-confirm', broadcastId: id }),
      inlineButton('🗑 Drop', { kind: 'broadcast-drop', broadcastId: id }),
    ],
  ];
  return { text, reply_markup: { inline_keyboard: rows } };
}
