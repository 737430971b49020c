import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enrollmentWorkflowId } from '../../journey/definitions';
import type { EnrollmentInput } from '../../journey/definitions';
import { AesGcmPayloadCodec } from '../../lib/payload-codec';
import { createHttpApp, serve } from '../../server/app';
import { launchChromium } from '../helpers/browser';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { eventually, searchAttributesOf, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';
import { TEST_PAYLOAD_KEYS } from '../helpers/temporal';

const ARTIFACTS = path.resolve('test-artifacts');

/**
 * Ops in the Temporal UI, in a real browser: the dev server's own web UI lists journeys, a search-attribute filter
 * narrows them to one tariff of one course, and a journey's page shows its summary and current details, which are
 * encrypted in Temporal and decoded by the browser through the codec server.
 */
describe('journeys in the Temporal UI', () => {
  let platform: Platform;
  let browser: Browser;
  let codecServer: { close(): Promise<void> };
  const uiUrl = inject('temporalUiUrl');
  beforeAll(async () => {
    platform = await startPlatform();
    browser = await launchChromium();
    // The codec server where the dev server's --ui-codec-endpoint points, as `npm start` runs it: no token (the dev
    // UI has none to send), the UI's origin trusted.
    const codec = new AesGcmPayloadCodec(TEST_PAYLOAD_KEYS);
    const app = createHttpApp({ codec: { codec, uiOrigins: [uiUrl], trustUiOrigins: true } });
    codecServer = await serve(app, inject('codecPort'));
  });
  afterAll(async () => {
    await codecServer?.close();
    await browser?.close();
    await platform?.close();
  });

  it('filters journeys by tariff and shows the journey’s summary and details', async () => {
    const { sql } = platform.db;
    const courseSlug = platform.slug('ui');
    await insertCourse(sql, { slug: courseSlug, lessons: [{ day: 1 }, { day: 2 }] });
    const basic: EnrollmentInput = { userId: (await insertUser(sql)).userId, courseSlug };
    const feedback: EnrollmentInput = { userId: (await insertUser(sql)).userId, courseSlug };
    const unpaid: EnrollmentInput = { userId: (await insertUser(sql)).userId, courseSlug };
    const { enrollments } = platform.temporal;
    await enrollments.pay(basic, payment('BASIC'));
    await enrollments.pay(feedback, payment('FEEDBACK'));
    await enrollments.start(unpaid);
    for (const [input, tariff] of [
      [basic, 'BASIC'],
      [feedback, 'FEEDBACK'],
    ] as const) {
      await eventually(
        () => searchAttributesOf(platform, input),
        (a) => a.tariff === tariff && a.day === 1,
      );
    }

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${inject('temporalUiUrl')}/namespaces/default/workflows`);
    await page.getByTestId('toggle-manual-query').click();
    const query = page.getByTestId('workflow-manual-search-input');
    await query.fill(`CourseSlug = "${courseSlug}" AND EnrollmentTariff = "FEEDBACK"`);
    await query.press('Enter');

    // Only the FEEDBACK journey of this course is listed (the list refreshes from the server's visibility store).
    const rows = page.locator('table tbody tr');
    const feedbackId = enrollmentWorkflowId(feedback);
    await expect.poll(() => rows.allInnerTexts(), { timeout: 15_000 }).toEqual([expect.stringContaining(feedbackId)]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'temporal-ui-feedback-journeys.png'), fullPage: true });

    // The journey's page: its summary (no names) and its current details, kept up to date by the workflow.
    await page.getByRole('link', { name: feedbackId }).first().click();
    await page.getByRole('tab', { name: 'User Metadata' }).click();
    // The UI renders summaries and details (Markdown) in frames of their own.
    const text = async () =>
      (
        await Promise.all(
          page.frames().map((f) =>
            f
              .locator('body')
              .innerText()
              .catch(() => ''),
          ),
        )
      ).join('\n');
    await expect.poll(text, { timeout: 15_000 }).toContain(`Student ${feedback.userId} in course ${courseSlug}`);
    await expect.poll(text, { timeout: 15_000 }).toMatch(/Stage: active\s+Tariff: FEEDBACK\s+Lessons: day 1 of 2/);
    expect(await text()).toMatch(/Next lesson: \d{4}-\d\d-\d\dT/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'temporal-ui-journey-details.png'), fullPage: true });
    await page.close();
  });

  it('shows a journey’s input decoded through the codec server, and only ciphertext without it', async () => {
    const { sql } = platform.db;
    const courseSlug = platform.slug('codec');
    await insertCourse(sql, { slug: courseSlug, lessons: [{ day: 1 }, { day: 2 }] });
    const input: EnrollmentInput = { userId: (await insertUser(sql)).userId, courseSlug };
    await platform.temporal.enrollments.start(input);
    const journeyPage = `${uiUrl}/namespaces/default/workflows/${encodeURIComponent(enrollmentWorkflowId(input))}`;
    mkdirSync(ARTIFACTS, { recursive: true });

    const body = (page: Page) => () => page.locator('body').innerText();
    // The dev server's --ui-codec-endpoint: the UI decodes the input in the browser through the codec server.
    const decoded = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await decoded.goto(journeyPage);
    const clearInput = new RegExp(`Input\\W+\\{\\s*"userId": ${input.userId},\\s*"courseSlug": "${courseSlug}"\\s*\\}`);
    await expect.poll(body(decoded), { timeout: 15_000 }).toMatch(clearInput);
    await decoded.screenshot({ path: path.join(ARTIFACTS, 'temporal-ui-decoded-input.png'), fullPage: true });
    await decoded.close();

    // The same UI without a codec endpoint (its settings answer without one): the input is ciphertext, nothing more.
    const ciphertext = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const endpoints: string[] = [];
    await ciphertext.route('**/api/v1/settings*', async (route) => {
      const response = await route.fetch();
      const settings = (await response.json()) as { Codec: { Endpoint: string } };
      endpoints.push(settings.Codec.Endpoint);
      await route.fulfill({ response, json: { ...settings, Codec: { ...settings.Codec, Endpoint: '' } } });
    });
    await ciphertext.goto(journeyPage);
    await expect.poll(body(ciphertext), { timeout: 15_000 }).toMatch(/Input\W+"[A-Za-z0-9+/]{60,}={0,2}"/);
    expect(await body(ciphertext)()).not.toContain('"courseSlug"');
    expect(endpoints[0]).toBe(`http://127.0.0.1:${inject('codecPort')}/codec`);
    await ciphertext.screenshot({ path: path.join(ARTIFACTS, 'temporal-ui-ciphertext-input.png'), fullPage: true });
    await ciphertext.close();
  });
});
