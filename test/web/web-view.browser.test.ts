import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionItem } from '../../src/domain/execution-item.js';
import type { BackendSettings } from '../../src/pipeline/backends/backend-registry.js';
import { JaegerUiStatus } from '../../src/server/jaeger-ui-status.js';
import { listen } from '../helpers/listen.js';
import { buildWebOnce } from '../helpers/web-build.js';
import {
  ARTIFACTS,
  CHROMIUM_ARGS,
  expectAccessible,
  narrowShot,
} from '../helpers/browser-checks.js';
import { buildItem, buildRecord } from '../helpers/record-builder.js';
import { startOllamaStandIn } from '../helpers/stand-ins/ollama-stand-in.js';
import { testApp } from '../helpers/test-app.js';
import { plainTokenEntry } from '../../src/server/auth/token-entries.js';

const TOKEN = 'browser-test-token-0123456789';
const VIEWER_TOKEN = 'browser-viewer-token-0123456789';

type Ctx = Awaited<ReturnType<typeof testApp>>;
let guarded: { ctx: Ctx; url: string; close: () => Promise<void> };
let slow: { ctx: Ctx; url: string; close: () => Promise<void> };
let ollama: Awaited<ReturnType<typeof startOllamaStandIn>>;
let browser: BrowserContext;
let page: Page;
let profile: string;
const offsite: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  // The page under test is the real build of web/.
  expect(await buildWebOnce()).toBeNull();
  await mkdir(ARTIFACTS, { recursive: true });
  // Two real servers on loopback: one that requires a token (offline backends), one whose
  // local LLM is a slow Ollama stand-in (open, loopback only).
  // Own directories: the temp-dir helper removes its directories after each test.
  profile = await mkdtemp(join(tmpdir(), 'eh-web-view-'));
  // Jaeger's UI "answers" for the guarded server (its trace button shows), not for the slow one.
  const jaegerUi = new JaegerUiStatus({ url: 'http://jaeger.test', check: async () => true });
  const a = await testApp({
    app: {
      apiToken: TOKEN,
      tokens: [plainTokenEntry(VIEWER_TOKEN, 'viewer', 'teacher-a')],
      jaegerUi,
    },
    dir: join(profile, 'guarded'),
  });
  guarded = { ctx: a, ...(await listen(a.app)) };
  ollama = await startOllamaStandIn({ delayMillis: 1_500, reply: (_s, user) => `${user} (slow)` });
  const backends: BackendSettings = {
    llm: { eco: 'ollama', fast: 'offline' },
    media: { eco: 'offline', fast: 'offline' },
    ollama: { baseUrl: ollama.url },
  };
  const b = await testApp({ backends, dir: join(profile, 'slow') });
  slow = { ctx: b, ...(await listen(b.app)) };
  browser = await chromium.launchPersistentContext(join(profile, 'chromium-profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    locale: 'en-US',
    viewport: { width: 1280, height: 900 },
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // Nothing may be fetched from anywhere but the server under test.
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.protocol.startsWith('http') && url.hostname !== '127.0.0.1') offsite.push(r.url());
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([guarded?.close(), slow?.close(), ollama?.close()]);
  if (profile) await rm(profile, { recursive: true, force: true });
});

async function startFromForm(values: {
  prompt: string;
  config: string;
  output: string;
  safety: string;
}): Promise<string> {
  await page.goto(`${guarded.url}/try`);
  await page.fill('#try-prompt', values.prompt);
  await page.selectOption('#try-config', values.config);
  await page.selectOption('#try-output', values.output);
  await page.selectOption('#try-safety', values.safety);
  await page.click('#try-submit');
  await page.waitForURL(/\/runs\/exec_\d{8}_\d{6}_[0-9a-f]{8}$/);
  await page.waitForSelector('.badge-completed, .badge-blocked, .badge-failed', {
    timeout: 15_000,
  });
  return page.url().split('/').at(-1)!;
}

/** Each safety decision's categories as "term: labels [codes of the tooltips]". */
const categoryRows = () =>
  page.locator('#s-safety .categories').evaluateAll((rows) =>
    rows.map((r) => {
      const codes = [...r.querySelectorAll('dd span')].map((s) => s.getAttribute('title'));
      return `${r.querySelector('dt')?.textContent}: ${r.querySelector('dd')?.textContent} [${codes}]`;
    }),
  );

/** The page shows `rows` as its decisions' categories, with no axe violation; shot at 1280 and 390 px. */
async function expectCategoryRows(rows: string[], shot: string): Promise<void> {
  await expect.poll(categoryRows).toEqual(rows);
  await expectAccessible(page);
  await page.screenshot({ path: join(ARTIFACTS, `${shot}.png`), fullPage: true });
  await narrowShot(page, `${shot}-390.png`);
}

describe('web view in Chromium', () => {
  it('asks for the token once, then starts a Stille Post run from the form and shows 8 iterations', async () => {
    await page.goto(`${guarded.url}/`);
    await page.waitForSelector('dialog.token-dialog[open]');
    await page.fill('#token-input', 'wrong-token');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('.token-dialog .problem')).toContain('not accepted');
    await page.fill('#token-input', TOKEN);
    await page.keyboard.press('Enter');
    await page.waitForSelector('h1:text("All runs")');
    const cookies = await browser.cookies();
    expect(cookies).toEqual([
      expect.objectContaining({
        name: 'eh_session',
        httpOnly: true,
        sameSite: 'Strict',
        path: '/api',
      }),
    ]);

    const id = await startFromForm({
      prompt: 'Eine Blume auf der Wiese',
      config: 'stillepost',
      output: 'sd35_large',
      safety: 'kids',
    });
    expect(await page.locator('.gen-iteration').count()).toBe(8);
    expect(await page.locator('.gen-iteration .langs').allTextContents()).toEqual([
      'en → en',
      'en → fr',
      'fr → nl',
      'nl → hi',
      'hi → tr',
      'tr → pl',
      'pl → ko',
      'ko → en',
    ]);
    expect(await page.locator('.gen-original .gen-text').textContent()).toBe(
      'Eine Blume auf der Wiese',
    );
    expect(await page.locator('.gen-final').count()).toBe(1);
    expect(await page.locator('.gen-iteration .diff ins').count()).toBeGreaterThan(0);
    // The image loads by session cookie (no token in its URL) and has alt text.
    const img = page.locator('.output img');
    await expect
      .poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth))
      .toBe(128);
    expect(await img.getAttribute('alt')).toMatch(
      /^Generated image \(sd35_large\) for the prompt: /,
    );
    expect(await img.getAttribute('src')).not.toContain(TOKEN);
    const trace = page.locator('a:text("Trace in Jaeger")');
    expect(await trace.getAttribute('href')).toMatch(
      /^http:\/\/jaeger\.test\/trace\/[0-9a-f]{32}$/,
    );
    for (const format of ['JSON', 'XML', 'JSONL'])
      expect(await page.locator(`.links a:text-is("${format}")`).getAttribute('href')).toBe(
        `/api/executions/${id}/export/${format.toLowerCase()}`,
      );
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('.links a:text-is("JSON")'),
    ]);
    expect(download.suggestedFilename()).toBe(`${id}.json`);
    expect(await page.locator('.wf-stage').count()).toBeGreaterThanOrEqual(4);
    await page.screenshot({ path: join(ARTIFACTS, 'run-page.png'), fullPage: true });
  });

  it('shows why an output was blocked (kids, a kids term in the interception)', async () => {
    await startFromForm({
      prompt: 'Ein freundliches Skelett tanzt lachend auf einem Kindergeburtstag',
      config: 'image_comparison',
      output: '',
      safety: 'kids',
    });
    const blocked = page.locator('.output-blocked');
    expect(await blocked.count()).toBe(1);
    expect(await blocked.textContent()).toContain('Reason: not suitable for this age');
    expect(await page.locator('.output img').count()).toBe(1);
    const decision = page.locator('.decision-unsafe');
    expect(await decision.textContent()).toContain('skeleton*');
    expect(await page.locator('.decision-blocked').count()).toBe(1);
    await expect
      .poll(categoryRows)
      .toEqual(['Category: Horror [horror]', 'Category: Horror [horror]']);
    await page.screenshot({ path: join(ARTIFACTS, 'run-page-blocked.png'), fullPage: true });

    // Stage 1 blocks (on the open server: the list of this one keeps its two runs): the
    // category by its label in the page's language, several joined, the code as tooltip.
    const res = await request(slow.ctx.app)
      .post('/api/schema/pipeline/execute')
      .send({ schema: 'dada', input_text: 'Ein Zombie mit einer Pistole' });
    expect(res.status).toBe(403);
    await page.goto(`${slow.url}/runs/${res.body.execution_id}`);
    await page.waitForSelector('.badge-blocked');
    await expectCategoryRows(
      ['Categories: Weapons, Horror [weapons,horror]', 'Category: Weapons [weapons]'],
      'run-page-category',
    );
    await page.click('#lang-switch');
    try {
      await expectCategoryRows(
        ['Kategorien: Waffen, Horror [weapons,horror]', 'Kategorie: Waffen [weapons]'],
        'run-page-category-de',
      );
    } finally {
      await page.click('#lang-switch');
    }

    // A code the catalog has no label for is shown as itself ('new'); stage 3's own categories
    // are in words; a block's codes stand in for its category when it names none.
    const base = buildRecord({ status: 'blocked' });
    const [first, last] = base.items as [ExecutionItem, ExecutionItem];
    const at = { timestamp: base.timestamp };
    const checked = { safe: false, method: 'llm_context_check', categories: ['weapons', 'new'] };
    const verdict = { category: 'model_verdict', categories: [] };
    const record = {
      ...base,
      items: [
        first,
        // A block as the Python client records it: its codes, no category.
        buildItem(2, 'stage1_blocked', 1, { ...at, metadata: { blocked_codes: ['weapons'] } }),
        buildItem(3, 'stage3_safety_check', 3, { ...at, metadata: checked }),
        buildItem(4, 'stage3_blocked', 3, { ...at, metadata: verdict }),
        { ...last, sequence_number: 5 },
      ],
    };
    await slow.ctx.store.save(record);
    await page.goto(`${slow.url}/runs/${record.execution_id}`);
    await expect
      .poll(categoryRows)
      .toEqual([
        'Category: Weapons [weapons]',
        'Categories: Weapons, new [weapons,new]',
        'Category: Safety model verdict [model_verdict]',
      ]);
    // Its blocks carry no reason (as the Python client records them): none is made up.
    expect(await page.locator('.no-outputs').textContent()).toBe(
      'No outputs: stage 1 blocked the prompt.',
    );
  });

  it('filters narrow the list, new runs arrive by themselves, and the labels switch to German', async () => {
    await page.goto(`${guarded.url}/`);
    await page.waitForSelector('table.runs');
    expect(await page.locator('table.runs tbody tr').count()).toBe(2);
    await page.selectOption('#f-config', 'stillepost');
    await page.click('.filters button[type=submit]');
    await page.waitForURL(/\?config=stillepost$/);
    await expect.poll(() => page.locator('table.runs tbody tr').count()).toBe(1);
    expect(await page.locator('table.runs td.config').allTextContents()).toEqual(['stillepost']);
    await page.selectOption('#f-status', 'blocked');
    await page.click('.filters button[type=submit]');
    await page.waitForSelector('p.empty');

    await page.click('a:text("Reset")');
    await page.waitForSelector('table.runs');
    const started = await request(guarded.ctx.app)
      .post('/api/schema/pipeline/execute')
      .set('authorization', `Bearer ${TOKEN}`)
      .set('prefer', 'respond-async')
      .send({ schema: 'dada', input_text: 'Ein Haus am See', user_id: 'klasse-4b' });
    expect(started.status).toBe(202);
    const fresh = page.locator(`tr.fresh[data-id="${started.body.execution_id}"]`);
    await fresh.waitFor({ timeout: 8_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'runs-list.png'), fullPage: true });

    // Keyboard: the first run's link is reachable and opens its page.
    await page.focus('table.runs tbody tr a');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/runs\//);
    await page.click('#lang-switch');
    await page.waitForSelector('h2:text("Stammbaum des Prompts")');
    await page.goto(`${guarded.url}/`);
    await page.waitForSelector('h1:text("Alle Läufe")');
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    await page.screenshot({ path: join(ARTIFACTS, 'runs-list-de.png'), fullPage: true });
    await page.click('#lang-switch');
    await page.waitForSelector('h1:text("All runs")');
  });

  it('searches prompts by a German word and by an English one, and shows runs as cards at 390 px', async () => {
    await page.goto(`${guarded.url}/`);
    await page.waitForSelector('table.runs');
    await page.fill('#f-q', 'Häuser');
    await page.click('.filters button[type=submit]');
    await page.waitForURL(/\?q=H%C3%A4user$/);
    await expect
      .poll(() => page.locator('table.runs td.prompt').allTextContents())
      .toEqual(['Ein Haus am See']);
    await page.fill('#f-q', 'houses');
    await page.fill('#f-user_id_prefix', 'klasse-');
    await page.click('.filters button[type=submit]');
    await page.waitForURL(/\?q=houses&user_id_prefix=klasse-$/);
    await expect
      .poll(() => page.locator('table.runs td.prompt').allTextContents())
      .toEqual(['Ein Haus am See']);
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${guarded.url}/`);
      await page.waitForSelector('table.runs td.prompt');
      const width = await page.evaluate('document.scrollingElement.scrollWidth');
      expect(width).toBeLessThanOrEqual(390);
      expect(await page.locator('table.runs thead').boundingBox()).toMatchObject({ height: 1 });
      await page.screenshot({ path: join(ARTIFACTS, 'runs-list-390.png'), fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('plays audio, shows the animated video and a 3D preview inline, each loaded by cookie', async () => {
    const pageOf = async (output: string) => {
      const res = await request(guarded.ctx.app)
        .post('/api/schema/pipeline/execute')
        .set('authorization', `Bearer ${TOKEN}`)
        .send({ schema: 'passthrough', input_text: 'Eine Katze', output_config: output });
      expect(res.status).toBe(200);
      await page.goto(`${guarded.url}/runs/${res.body.execution_id}`);
      await page.waitForSelector('.badge-completed');
    };
    await pageOf('stable_audio');
    const audio = page.locator('.output audio');
    await expect
      .poll(() => audio.evaluate((el) => (el as unknown as { duration: number }).duration))
      .toBeGreaterThan(2);
    expect(await audio.getAttribute('aria-label')).toBe('Generated sound (stable_audio)');
    await pageOf('wan_video');
    const video = page.locator('.output img');
    await expect
      .poll(() => video.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth))
      .toBe(96);
    expect(await video.getAttribute('alt')).toMatch(/^Generated animated video \(wan_video\)/);
    await pageOf('hunyuan3d');
    const preview = page.locator('canvas.obj-preview');
    await preview.waitFor();
    expect(await preview.getAttribute('aria-label')).toMatch(/^3D preview \(hunyuan3d\)/);
    const before = await preview.screenshot();
    await preview.focus();
    await page.keyboard.press('ArrowRight');
    expect((await preview.screenshot()).equals(before)).toBe(false);
    expect(await page.locator('.output a.dl').getAttribute('download')).toBe(
      'output_1_hunyuan3d.obj',
    );
    await page.screenshot({ path: join(ARTIFACTS, 'run-page-3d.png'), fullPage: true });
  });

  it('follows a run with a slow local LLM live: items show before it ends', async () => {
    const res = await request(slow.ctx.app)
      .post('/api/schema/pipeline/execute')
      .set('prefer', 'respond-async')
      .send({
        schema: 'dada',
        input_text: 'Eine Blume auf der Wiese',
        output_config: 'sd35_large',
      });
    expect(res.status).toBe(202);
    await page.goto(`${slow.url}${res.body.links.page}`);
    await page.waitForSelector('.gen-original');
    // Still running: the first translation is under way at the stand-in.
    expect(await page.locator('.badge-running').count()).toBe(1);
    expect(await page.locator('progress#run-progress').count()).toBe(1);
    // A keyboard user on a link: the page redraws with each item, the focus stays on it.
    await page.focus('a:text("The same prompt in other configs and levels")');
    await page.waitForSelector('.gen-translation', { timeout: 5_000 });
    expect(await page.locator('.badge-running').count()).toBe(1);
    expect(await page.evaluate('document.activeElement?.textContent')).toBe(
      'The same prompt in other configs and levels',
    );
    await page.screenshot({ path: join(ARTIFACTS, 'run-page-live.png'), fullPage: true });
    await page.waitForSelector('.badge-completed', { timeout: 10_000 });
    expect(await page.locator('.gen-final .gen-text').textContent()).toMatch(/\(slow\)$/);
    expect(await page.locator('.output img').count()).toBe(1);
    // Jaeger's UI does not answer this server: no trace button, the run's own timing chart.
    expect(await page.locator('a:text("Trace in Jaeger")').count()).toBe(0);
    expect(await page.locator('.links a[href="#s-timing"]').textContent()).toBe(
      'Jaeger does not answer: timing chart below',
    );
    expect(offsite).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('keeps the session in a new tab; a viewer sees runs but cannot start one; sign out asks again', async () => {
    const tab = await browser.newPage();
    await tab.goto(`${guarded.url}/`);
    await tab.waitForSelector('h1:text("All runs")');
    expect(await tab.locator('dialog.token-dialog[open]').count()).toBe(0);
    expect(await tab.textContent('#signed-in-as')).toBe('api-token (admin)');
    expect(await tab.locator('nav a[href="/try"]').count()).toBe(1);
    await tab.click('button:text("Sign out")');
    await tab.waitForSelector('dialog.token-dialog[open]');
    expect(await browser.cookies()).toEqual([]);
    await tab.fill('#token-input', VIEWER_TOKEN);
    await tab.keyboard.press('Enter');
    await tab.waitForSelector('h1:text("All runs")');
    await expect.poll(() => tab.textContent('#signed-in-as')).toBe('teacher-a (viewer)');
    expect(await tab.locator('nav a[href="/try"]').count()).toBe(0);
    expect(await tab.locator('table tbody tr').count()).toBeGreaterThan(0);
    await tab.goto(`${guarded.url}/try`);
    await tab.fill('#try-prompt', 'Eine Blume');
    await tab.click('#try-submit');
    await expect.poll(() => tab.textContent('form .problem')).toContain('needs the admin role');
    expect(pageErrors).toEqual([]);
    await tab.close();
  });
});
