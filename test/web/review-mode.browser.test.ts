import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewerPseudonym } from '../../src/research/pseudonyms.js';
import { plainTokenEntry } from '../../src/server/auth/token-entries.js';
import { csvObjects } from '../helpers/csv-parse.js';
import { listen } from '../helpers/listen.js';
import { testApp } from '../helpers/test-app.js';
import { buildWebInto } from '../helpers/web-build.js';
import { readZip } from '../helpers/zip-read.js';
import {
  ARTIFACTS,
  CHROMIUM_ARGS,
  expectAccessible,
  narrowShot,
} from '../helpers/browser-checks.js';

const ADMIN = 'review-admin-token-0123456789';
const CODERS = {
  'coder-a': 'review-coder-a-token-0123456789',
  'coder-b': 'review-coder-b-token-0123456789',
};
const STUDY_KEY = 'study-key-for-the-review-test-0123';
const FILTER = 'user_id=studie-1';
const QUEUE = `rubric=child_idea&blind=1&reviewers_per_run=2&${FILTER}`;
/** Faithfulness (ordinal: lost, partly, mostly, fully) as keys 1–4, per run in coder-a's order. */
const KEYS: Record<keyof typeof CODERS, number[]> = {
  'coder-a': [1, 2, 3, 4, 2],
  'coder-b': [1, 2, 4, 4, 1],
};

let server: { url: string; close: () => Promise<void> };
let browser: Browser;
let dir: string;
const pageErrors: string[] = [];
const runs: string[] = [];

const auth = { authorization: `Bearer ${ADMIN}` };
const getJson = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${server.url}${path}`, { headers: auth });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  dir = await mkdtemp(join(tmpdir(), 'eh-review-mode-'));
  // The real build of web/, in a directory of this test's own.
  const build = buildWebInto(join(dir, 'web'));
  expect(build.status, build.stderr).toBe(0);
  const ctx = await testApp({
    app: {
      webDir: join(dir, 'web'),
      tokens: [
        plainTokenEntry(ADMIN, 'admin', 'lead'),
        ...Object.entries(CODERS).map(([name, token]) => plainTokenEntry(token, 'reviewer', name)),
      ],
    },
    dir,
  });
  server = await listen(ctx.app);
  const prompts = ['Ein Drache', 'Eine Katze im Regen', 'Ein Haus am See', 'Ein Baum', 'Ein Boot'];
  for (const [n, prompt] of [...prompts, 'Nicht in der Studie'].entries()) {
    const res = await fetch(`${server.url}/api/schema/pipeline/execute`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        schema: 'passthrough',
        input_text: prompt,
        output_config: 'sd35_large',
        user_id: n < prompts.length ? 'studie-1' : 'andere',
      }),
    });
    expect(res.status).toBe(200);
    if (n < prompts.length)
      runs.push(((await res.json()) as { execution_id: string }).execution_id);
  }
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function newPage(lang: 'en' | 'de' = 'en'): Promise<Page> {
  const context = await browser.newContext({
    locale: lang === 'de' ? 'de-DE' : 'en-US',
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return page;
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.waitForSelector('dialog.token-dialog[open]');
  await page.fill('#token-input', token);
  await page.keyboard.press('Enter');
}

/** One reviewer judges every run of the queue with the keyboard; returns the runs in their order. */
async function judgeQueue(
  page: Page,
  coder: keyof typeof CODERS,
  order: string[] | null,
): Promise<string[]> {
  await page.goto(`${server.url}/review?${QUEUE}`);
  await signIn(page, CODERS[coder]);
  await expect
    .poll(() => page.textContent('#queue-progress'))
    .toBe('You judged 0 of 5 runs; 5 open, 0 complete.');
  await page.keyboard.press('n');
  const seen: string[] = [];
  for (let n = 0; n < 5; n++) {
    await page.waitForURL(
      (url) => /^\/review\/exec_/.test(url.pathname) && !seen.includes(url.pathname.slice(8)),
    );
    const id = new URL(page.url()).pathname.split('/').at(-1)!;
    seen.push(id);
    await page.waitForSelector(`.run-id code:text-is("${id}")`);
    await page.waitForSelector('fieldset#q-0.current');
    expect(await page.textContent('#reviewing-as')).toBe(`Judging as ${coder}`);
    expect(await page.title()).toBe(`Review ${id} · execution-history`);
    // Blind: nobody else's judgment shows before this reviewer saved, though coder-a's exists.
    expect(await page.textContent('#q-0 .others')).toBe(
      "Others' judgments stay hidden until you have judged this run.",
    );
    if (n === 0) {
      await page.keyboard.press('j');
      await page.waitForSelector('fieldset#q-1.current');
      await page.keyboard.press('k');
      await page.waitForSelector('fieldset#q-0.current');
    }
    const key = KEYS[coder][(order ?? seen).indexOf(id)]!;
    await page.keyboard.press(String(key));
    expect(await page.isChecked(`#q-0 input[value="${key - 1}"]`)).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#review-status')).toBe('Saved (1). n: next run.');
    expect(await page.textContent('#q-0 .saved')).toMatch(/^saved: /);
    if (order) {
      // Saved: now coder-a's judgment of this output shows.
      expect(await page.textContent('#q-0 .others')).toMatch(/^Others: coder-a: /);
      if (n === 0) {
        await page.screenshot({ path: join(ARTIFACTS, 'review-mode.png'), fullPage: true });
        await expectAccessible(page);
        await narrowShot(page, 'review-mode-390.png');
        await page.click('#lang-switch');
        await page.waitForSelector('h2:text("Fragen")');
        expect(await page.textContent('#q-0 .others')).toMatch(/^Andere: coder-a: /);
        await page.screenshot({ path: join(ARTIFACTS, 'review-mode-de.png'), fullPage: true });
        await expectAccessible(page);
        await narrowShot(page, 'review-mode-de-390.png');
        await page.click('#lang-switch');
        await page.waitForSelector('h2:text("Questions")');
      }
    }
    await page.keyboard.press('n');
  }
  await page.waitForURL(/\/review\?/);
  await page.waitForSelector('#queue-done');
  expect(await page.textContent('#queue-progress')).toMatch(/^You judged 5 of 5 runs; 0 open, /);
  return seen;
}

describe('review mode and agreement page in Chromium', () => {
  it('two reviewers judge the same 5 runs blind with the keyboard; the page shows the API’s agreement; the bundle holds the 10', async () => {
    const a = await newPage();
    const orderA = await judgeQueue(a, 'coder-a', null);
    expect([...orderA].sort()).toEqual([...runs].sort());
    await a.screenshot({ path: join(ARTIFACTS, 'review-start.png'), fullPage: true });
    await expectAccessible(a);
    const b = await newPage();
    const orderB = await judgeQueue(b, 'coder-b', orderA);
    expect([...orderB].sort()).toEqual([...runs].sort());

    type Report = {
      krippendorff_alpha: number;
      fleiss_kappa: number;
      cohen_kappa: number;
      units: number;
      reviewers: string[];
      disagreements: { execution_id: string }[];
    };
    const api = await getJson<Report>(
      `/api/annotations/agreement?rubric=child_idea&key=faithfulness&${FILTER}`,
    );
    expect(api).toMatchObject({ units: 5, reviewers: ['coder-a', 'coder-b'] });
    expect(api.disagreements.map((d) => d.execution_id).sort()).toEqual(
      [orderA[2], orderA[4]].sort(),
    );
    expect(api.krippendorff_alpha).toBeGreaterThan(0);

    await b.goto(`${server.url}/agreement?rubric=child_idea&reviewers_per_run=2&${FILTER}`);
    const card = '#agree-faithfulness';
    await b.waitForSelector(`${card} .figures`);
    expect(await b.title()).toBe('Agreement · execution-history');
    for (const [figure, value] of [
      ['alpha', api.krippendorff_alpha],
      ['fleiss', api.fleiss_kappa],
      ['cohen', api.cohen_kappa],
    ] as const) {
      const cell = b.locator(`${card} [data-figure="${figure}"] dd span`);
      expect(Number(await cell.getAttribute('data-value'))).toBe(value);
      expect(await cell.textContent()).toBe(value.toFixed(3));
    }
    expect(await b.textContent(`${card} [data-figure="units"] dd`)).toBe('5');
    expect(await b.textContent(`${card} [data-figure="reviewers"] dd`)).toBe('coder-a, coder-b');
    expect(await b.locator(`${card} .disagreements li`).count()).toBe(2);
    expect(
      await b.textContent(`${card} .disagreements li:has(a[href="/runs/${orderA[2]}"]) .values`),
    ).toBe('coder-a: mostly kept · coder-b: fully kept');
    // Items nobody judged: no figure.
    expect(await b.textContent('#agree-age_fit .no-judgments')).toBe('No judgments yet.');
    expect(await b.textContent('#review-progress')).toContain(
      '5 of 5 runs have 2 reviewers or more.',
    );
    expect(await b.locator('#review-progress tbody tr').allTextContents()).toEqual([
      'coder-a5 / 5',
      'coder-b5 / 5',
    ]);
    await b.screenshot({ path: join(ARTIFACTS, 'agreement.png'), fullPage: true });
    await expectAccessible(b);
    await narrowShot(b, 'agreement-390.png');
    await b.click('#lang-switch');
    await b.waitForSelector('h1:text("Übereinstimmung")');
    expect(await b.textContent(`${card} [data-figure="alpha"] dd span`)).toBe(
      api.krippendorff_alpha.toFixed(3).replace('.', ','),
    );
    await b.screenshot({ path: join(ARTIFACTS, 'agreement-de.png'), fullPage: true });
    await expectAccessible(b);
    await narrowShot(b, 'agreement-de-390.png');
    await b.click('#lang-switch');
    await b.waitForSelector('h1:text("Agreement")');
    // A disagreement leads to its run.
    await b.click(`${card} .disagreements a[href="/runs/${orderA[2]}"]`);
    await b.waitForURL(new RegExp(`/runs/${orderA[2]}$`));
    await b.waitForSelector('.badge-completed');
    // The run page leads back into the review mode of that run.
    await b.click(`.links a[href="/review/${orderA[2]}"]`);
    await b.waitForSelector(`.run-id code:text-is("${orderA[2]}")`);
    expect(await b.textContent('#q-0 .saved')).toMatch(/^saved: /);

    const bundle = await fetch(`${server.url}/api/executions/export/bundle?${FILTER}`, {
      headers: { ...auth, 'x-study-key': STUDY_KEY },
    });
    expect(bundle.status).toBe(200);
    const csv = readZip(Buffer.from(await bundle.arrayBuffer())).find(
      (e) => e.name === 'annotations.csv',
    )!;
    const rows = csvObjects(csv.data.toString('utf8'));
    expect(rows).toHaveLength(10);
    expect(new Set(rows.map((r) => r.reviewer))).toEqual(
      new Set(Object.keys(CODERS).map((c) => reviewerPseudonym(STUDY_KEY, c))),
    );
    expect(rows.every((r) => r.key === 'faithfulness' && r.rubric_version === '1.0')).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
