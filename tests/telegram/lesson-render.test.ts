import { describe, expect, it } from 'vitest';
import { renderLesson, splitText, taskFor, TEXT_LIMIT } from '../../telegram/lesson-render';
import { messagesFor } from '../../locales';

describe('splitText', () => {
  it('keeps a short text whole', () => {
    expect(splitText('hello')).toEqual(['hello']);
  });

  it('cuts at paragraph boundaries and never exceeds the limit', () => {
    const paragraph = (n: number) => `${'x'.repeat(1500)} ${n}`;
    const text = [1, 2, 3, 4, 5].map(paragraph).join('\n\n');
    const chunks = splitText(text);
    expect(chunks.every((c) => c.length <= TEXT_LIMIT)).toBe(true);
    expect(chunks).toEqual([`${paragraph(1)}\n\n${paragraph(2)}`, `${paragraph(3)}\n\n${paragraph(4)}`, paragraph(5)]);
  });

  it('falls back to spaces, then to a hard cut for one giant word', () => {
    const words = Array.from({ length: 1000 }, (_, i) => `w${i}`).join(' ');
    const chunks = splitText(words, 100);
    expect(chunks.every((c) => c.length <= 100 && !c.startsWith(' '))).toBe(true);
    expect(chunks.join(' ')).toBe(words);
    expect(splitText('y'.repeat(250), 100)).toEqual(['y'.repeat(100), 'y'.repeat(100), 'y'.repeat(50)]);
  });
});

describe('taskFor', () => {
  it('gives richer tariffs the task of the tariff below when they have none', () => {
    const tasks = { BASIC: 'basic', FEEDBACK: 'feedback' };
    expect(taskFor(tasks, 'BASIC')).toBe('basic');
    expect(taskFor(tasks, 'FEEDBACK')).toBe('feedback');
    expect(taskFor(tasks, 'PREMIUM')).toBe('feedback');
    expect(taskFor({ PREMIUM: 'p' }, 'BASIC')).toBeUndefined();
  });
});

describe('renderLesson', () => {
  const t = messagesFor('en');
  it('puts the header on the first text, media in order, and the tariff task last', () => {
    const parts = renderLesson(
      {
        day: 2,
        title: 'Keyboards',
        parts: [
          { type: 'photo', source: 'https://example.org/a.png', caption: 'c'.repeat(2000) },
          { type: 'text', text: 'Body' },
        ],
        tasks: { BASIC: 'Do it', PREMIUM: 'Do it well' },
      },
      'PREMIUM',
      t,
    );
    expect(parts.map((p) => p.kind)).toEqual(['text', 'photo', 'text', 'text']);
    expect(parts[0]).toEqual({ kind: 'text', text: '<b>Day 2. Keyboards</b>' });
    expect(parts[1]).toMatchObject({ kind: 'photo', caption: 'c'.repeat(1024) });
    expect(parts[3]).toEqual({ kind: 'text', text: t.task({ task: 'Do it well' }), task: true });
  });

  it('sends consecutive album items as one album, and other media on their own', () => {
    const parts = renderLesson(
      {
        day: 1,
        title: 'Album',
        parts: [
          { type: 'text', text: 'Look:' },
          { type: 'photo', source: 'https://example.org/1.png', caption: 'one', album: true },
          { type: 'video', source: 'https://example.org/2.mp4', album: true },
          { type: 'document', source: 'https://example.org/3.pdf' },
        ],
        tasks: {},
      },
      'BASIC',
      t,
    );
    expect(parts).toEqual([
      { kind: 'text', text: '<b>Day 1. Album</b>\n\nLook:' },
      {
        kind: 'album',
        items: [
          { kind: 'photo', media: 'https://example.org/1.png', caption: 'one' },
          { kind: 'video', media: 'https://example.org/2.mp4' },
        ],
      },
      { kind: 'document', media: 'https://example.org/3.pdf' },
    ]);
  });

  it('speaks Russian to a Russian-speaking student', () => {
    const [first] = renderLesson(
      { day: 1, title: 'Старт', parts: [{ type: 'text', text: 'Привет' }], tasks: {} },
      'BASIC',
      messagesFor('ru-RU'),
    );
    expect(first).toEqual({ kind: 'text', text: '<b>День 1. Старт</b>\n\nПривет' });
  });
});
