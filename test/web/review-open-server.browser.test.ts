import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, expectAccessible } from '../helpers/browser-checks.js';
import { listen } from '../helpers/listen.js';
import { testApp } from '../helpers/test-app.js';
import { buildWebInto } from '../helpers/web-build.js';

// The review mode on a server without tokens (loopback use): the reviewer names themselves.
let site: { url: string; close: () => Promise<void> };
let browser: Browser;
let dir: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eh-review-open-'));
  const build = buildWebInto(join(dir, 'web'));
  expect(build.status, build.stderr).toBe(0);
  const open = await testApp({ app: { webDir: join(dir, 'web') }, dir });
  site = await listen(open.app);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({
    locale: 'en-US',
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return page;
}

describe('review mode on an open server in Chromium', () => {
  it('on an open server asks for the reviewer’s name once, saves every kind of answer by keyboard, and changes one', async () => {
    const started = await fetch(`${site.url}/api/schema/pipeline/execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        schema: 'dada',
        input_text: 'Ein Drache',
        output_config: 'sd35_large',
      }),
    });
    const { execution_id: id } = (await started.json()) as { execution_id: string };
    const page = await newPage();
    await page.goto(`${site.url}/review/${id}?rubric=child_idea&blind=0`);
    // No name yet: the queue's page asks for it first.
    await page.waitForURL(/\/review\?/);
    await page.waitForSelector('#rv-name');
    await expectAccessible(page);
    await page.fill('#rv-name', 'Frau Meier');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/review/${id}\\?`));
    await page.waitForSelector('fieldset#q-0.current');
    expect(await page.textContent('#reviewing-as')).toBe('Judging as Frau Meier');
    expect(await page.textContent('#q-0 .others')).toBe('Others: none yet');
    // faithfulness 3, creativity 4, (age fit left open), block judgment 1, quality 6, surprise 2.
    for (const key of ['3', 'j', '4', 'j', 'j', '1', 'j', '6', 'j', '2', 'j'])
      await page.keyboard.press(key);
    expect(await page.evaluate('document.activeElement?.tagName')).toBe('TEXTAREA');
    await page.keyboard.type('Der Drache ist nah und jung'); // n and j stay in the text
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.id')).toBe('review-save');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#review-status')).toBe('Saved (6). n: next run.');
    type Saved = {
      key: string;
      value: unknown;
      target: unknown;
      reviewer: string;
      history: { old_value: unknown }[];
    };
    const saved = async () =>
      (
        (await (await fetch(`${site.url}/api/executions/${id}/annotations`)).json()) as {
          annotations: Saved[];
        }
      ).annotations;
    expect(Object.fromEntries((await saved()).map((a) => [a.key, a.value]))).toEqual({
      faithfulness: 'mostly',
      creativity: 'surprising',
      block_judgment: 'right',
      output_quality: 6,
      surprise: false,
      comment: 'Der Drache ist nah und jung',
    });
    expect(new Set((await saved()).map((a) => a.reviewer))).toEqual(new Set(['Frau Meier']));
    // Change one answer: n first warns about the unsaved change, Enter saves it.
    await page.keyboard.press('k');
    await page.waitForSelector('fieldset#q-5.current');
    await page.keyboard.press('1');
    await page.keyboard.press('n');
    await expect.poll(() => page.textContent('#review-status')).toMatch(/^Not saved yet/);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#review-status')).toBe('Saved (1). n: next run.');
    const surprise = (await saved()).find((a) => a.key === 'surprise')!;
    expect(surprise).toMatchObject({ value: true, history: [{ old_value: false }] });
    await page.keyboard.press('n');
    await page.waitForSelector('#queue-done');
    expect(pageErrors).toEqual([]);
    await page.context().close();
  }, 60_000);
});
