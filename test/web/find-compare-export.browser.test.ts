import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import type { BundleManifest } from '../../src/research/bundle-manifest.js';
import { listen } from '../helpers/listen.js';
import { buildWebOnce } from '../helpers/web-build.js';
import { ARTIFACTS, CHROMIUM_ARGS } from '../helpers/browser-checks.js';
import { testApp } from '../helpers/test-app.js';
import { readZip } from '../helpers/zip-read.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const PROMPT = 'Ein Baum im Wald';

type Ctx = Awaited<ReturnType<typeof testApp>>;
let ctx: Ctx;
let server: { url: string; close: () => Promise<void> };
let dir: string;
let browser: BrowserContext;
let page: Page;
let axeSource: string;
const pageErrors: string[] = [];
/** Every thumbnail the page asked for, as `status path`. */
const thumbnailAnswers: string[] = [];
/** The runs made for these tests, by name. */
const runs: Record<string, string> = {};

async function execute(body: Record<string, string>): Promise<string> {
  const res = await request(ctx.app).post('/api/schema/pipeline/execute').send(body);
  expect([200, 403], JSON.stringify(res.body)).toContain(res.status);
  return res.body.execution_id as string;
}

beforeAll(async () => {
  expect(await buildWebOnce()).toBeNull();
  await mkdir(ARTIFACTS, { recursive: true });
  axeSource = await readFile(AXE, 'utf8');
  dir = await mkdtemp(join(tmpdir(), 'eh-find-compare-'));
  ctx = await testApp({ dir: join(dir, 'data') });
  server = await listen(ctx.app);
  // One prompt in three configs (and two levels), another prompt, and a blocked one.
  runs.dada = await execute({ schema: 'dada', input_text: PROMPT, user_id: 'kind-07' });
  runs.bauhaus = await execute({
    schema: 'bauhaus',
    input_text: PROMPT,
    safety_level: 'youth',
    user_id: 'kind-07',
  });
  runs.stillepost = await execute({ schema: 'stillepost', input_text: PROMPT, user_id: 'kind-09' });
  runs.cat = await execute({
    schema: 'passthrough',
    input_text: 'Eine Katze',
    output_config: 'none',
  });
  runs.blocked = await execute({ schema: 'dada', input_text: 'Ein Hakenkreuz an der Wand' });
  await ctx.tracing.forceFlush();
  browser = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    locale: 'en-US',
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  // Under the test's time-out, so a wait that never ends names itself instead of the test.
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith('/thumbnail')) thumbnailAnswers.push(`${r.status()} ${path}`);
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function setLang(lang: 'de' | 'en'): Promise<void> {
  if (!page.url().startsWith(server.url)) await page.goto(`${server.url}/`);
  await page.evaluate(`localStorage.setItem('eh-lang', '${lang}')`);
}

/** axe-core's violations on the page as it is (WCAG 2.1 A and AA rules). */
async function axeViolations(): Promise<string[]> {
  await page.evaluate(axeSource);
  const result = await page.evaluate<{
    violations: { id: string; nodes: { target: string[] }[] }[];
  }>(`axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })`);
  return result.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

describe('finding, comparing and exporting runs in Chromium', () => {
  it('shows thumbnails of first outputs in the list, words for levels and statuses', async () => {
    await setLang('en');
    await page.goto(`${server.url}/`);
    await page.waitForSelector('table.runs td.thumb img');
    const thumb = page.locator(`tr[data-id="${runs.dada}"] td.thumb img`);
    await expect
      .poll(() => thumb.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(0);
    expect(await thumb.getAttribute('src')).toBe(`/api/executions/${runs.dada}/thumbnail`);
    // A text-only run and a blocked run show no picture: the list never asks for one (its
    // summary says the run has no image), so every thumbnail asked for is there.
    expect(await page.locator(`tr[data-id="${runs.cat}"] td.thumb img`).count()).toBe(0);
    expect(await page.locator(`tr[data-id="${runs.blocked}"] td.thumb img`).count()).toBe(0);
    expect(thumbnailAnswers).toContain(`200 /api/executions/${runs.dada}/thumbnail`);
    expect(thumbnailAnswers.filter((a) => !a.startsWith('200 '))).toEqual([]);
    expect(thumbnailAnswers.filter((a) => a.includes(runs.cat!))).toEqual([]);
    expect(await page.locator(`tr[data-id="${runs.bauhaus}"]`).textContent()).toContain(
      'young people',
    );
    expect(await page.title()).toBe('All runs · execution-history');
  });

  it('words "no outputs" by status and labels safety methods and reasons', async () => {
    await page.goto(`${server.url}/runs/${runs.blocked}`);
    await page.waitForSelector('.badge-blocked');
    expect(await page.locator('.no-outputs').textContent()).toBe(
      'No outputs: stage 1 blocked the prompt – banned symbol or slogan (§\u00a086a German Criminal Code).',
    );
    expect(await page.locator('#s-safety').textContent()).not.toContain('§86a_violation');
    expect(await page.title()).toBe('Run dada (blocked) · execution-history');
    await page.goto(`${server.url}/runs/${runs.cat}`);
    await page.waitForSelector('.badge-completed');
    expect(await page.locator('.no-outputs').textContent()).toBe('No outputs (text only).');
    expect(await page.locator('#s-safety').textContent()).toContain('term list (fast filter)');
    await setLang('de');
    await page.reload();
    await page.waitForSelector('.badge-completed');
    expect(await page.locator('.no-outputs').textContent()).toBe('Keine Ausgaben (nur Text).');
    expect(await page.locator('#s-safety').textContent()).toContain('Wortliste');
    await page.goto(`${server.url}/try`);
    await page.waitForSelector('#try-config');
    expect(await page.locator('#try-config option[value="dada"]').textContent()).toBe(
      'dada – Ein Künstler im Geist des Dadaismus schreibt den Prompt um.',
    );
    await setLang('en');
  });

  it('compares the same prompt in 3 configs from the run page, steps aligned with diffs', async () => {
    await page.goto(`${server.url}/runs/${runs.dada}`);
    await page.waitForSelector('.badge-completed');
    await page.click('a:text("The same prompt in other configs and levels")');
    await page.waitForURL(/\/compare\?ids=/);
    await page.waitForSelector('.cmp-row');
    const ids = new URL(page.url()).searchParams.get('ids')!.split(',');
    expect(ids[0]).toBe(runs.dada);
    expect([...ids].sort()).toEqual([runs.dada, runs.bauhaus, runs.stillepost].sort());
    const steps = await page
      .locator('.cmp-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-step')));
    expect(steps).toEqual([
      'original',
      'translation',
      ...Array.from({ length: 8 }, (_, n) => `iteration:${n + 1}`),
      'final',
    ]);
    const original = page.locator('.cmp-row[data-step="original"] .gen-text');
    expect(await original.allTextContents()).toEqual([PROMPT, PROMPT, PROMPT]);
    // Rounds only Stille Post has: a cell for each run, "no such step" for the other two.
    const round = page.locator('.cmp-row[data-step="iteration:3"] .cmp-cell');
    expect(await round.count()).toBe(3);
    expect(await round.filter({ hasText: 'no such step' }).count()).toBe(2);
    // The final prompts differ: runs 2 and 3 show a word diff to run 1.
    const finals = page.locator('.cmp-row[data-step="final"] .cmp-cell');
    expect(await finals.nth(0).locator('.diff').count()).toBe(0);
    expect(await finals.nth(1).locator('.diff ins').count()).toBeGreaterThan(0);
    expect(await finals.nth(2).locator('.diff ins').count()).toBeGreaterThan(0);
    expect(await page.locator('#s-cmp-safety .cmp-cell').count()).toBe(3);
    expect(await page.locator('#s-cmp-timings .cmp-cell').first().textContent()).toContain('total');
    expect(await page.title()).toBe('Comparing 3 runs · execution-history');
    await page.screenshot({ path: join(ARTIFACTS, 'compare-en-1280.png'), fullPage: true });
  });

  it('shows the page gone back to when the page left answers late (a slow list does not cover it)', async () => {
    await page.goto(`${server.url}/runs/${runs.dada}`);
    await page.waitForSelector('.badge-completed');
    const title = await page.title();
    // The list's first answer is held: the user goes back while the list is still loading.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/configs', async (r) => {
      await held;
      await r.continue();
    });
    try {
      await page.click('a.brand');
      await page.waitForURL(/\/$/);
      await page.goBack();
      await page.waitForSelector('.badge-completed');
      const listLoaded = page.waitForResponse((r) => r.url().includes('/api/executions?'));
      release();
      await listLoaded;
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)))');
      expect(page.url()).toContain(`/runs/${runs.dada}`);
      expect(await page.locator('.badge-completed').count()).toBe(1);
      expect(await page.locator('table.runs').count()).toBe(0);
      expect(await page.title()).toBe(title);
    } finally {
      release();
      await page.unroute('**/api/configs');
    }
  });

  it('keeps the list and its title when a run opened from it answers after the user went back', async () => {
    await page.goto(`${server.url}/`);
    await page.waitForSelector(`tr[data-id="${runs.cat}"]`);
    const title = await page.title();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(`**/api/executions/${runs.cat}`, async (r) => {
      await held;
      await r.continue();
    });
    try {
      await page.click(`tr[data-id="${runs.cat}"] a[href="/runs/${runs.cat}"]`);
      await page.waitForURL(new RegExp(`/runs/${runs.cat}$`));
      await page.goBack();
      await page.waitForSelector(`tr[data-id="${runs.cat}"]`);
      const runLoaded = page.waitForResponse((r) =>
        r.url().endsWith(`/api/executions/${runs.cat}`),
      );
      release();
      await runLoaded;
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)))');
      expect(await page.locator('.run-head').count()).toBe(0);
      expect(await page.locator('table.runs').count()).toBe(1);
      expect(await page.title()).toBe(title);
    } finally {
      release();
      await page.unroute(`**/api/executions/${runs.cat}`);
    }
  });

  it("selects runs in the list and compares them; the child's runs by pseudonymous id", async () => {
    await page.goto(`${server.url}/runs/${runs.bauhaus}`);
    await page.evaluate('sessionStorage.clear()');
    await page.waitForSelector('.badge-completed');
    await page.click(`a:text("This child's runs over time")`);
    await page.waitForURL(/\/\?user_id=kind-07$/);
    await expect.poll(() => page.locator('table.runs tbody tr').count()).toBe(2);
    expect(await page.locator('.also').textContent()).toContain('user_id = kind-07');
    for (const id of [runs.dada, runs.bauhaus]) await page.check(`tr[data-id="${id}"] .pick-box`);
    expect(await page.textContent('#picked-count')).toBe('2 selected');
    await page.click('#compare-link');
    await page.waitForURL(/\/compare\?ids=/);
    await page.waitForSelector('.cmp-row[data-step="final"]');
    expect(await page.locator('.cmp-row[data-step="final"] .cmp-cell').count()).toBe(2);
  });

  it('has no horizontal scroll at 390 px, 0 axe violations and a title of its own on every page, in both languages', async () => {
    const pages = {
      runs: '/',
      search: `/?q=${encodeURIComponent('Bäume')}`,
      run: `/runs/${runs.stillepost}`,
      blocked: `/runs/${runs.blocked}`,
      compare: `/compare?ids=${runs.dada},${runs.bauhaus},${runs.stillepost}`,
      try: '/try',
    };
    const problems: string[] = [];
    for (const lang of ['en', 'de'] as const) {
      await setLang(lang);
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
        const titles = new Set<string>();
        for (const [name, path] of Object.entries(pages)) {
          await page.goto(`${server.url}${path}`);
          await page.waitForSelector('main h1');
          await page.waitForLoadState('networkidle');
          expect(await page.getAttribute('html', 'lang')).toBe(lang);
          const scroll = await page.evaluate<number>('document.scrollingElement.scrollWidth');
          if (scroll > width) problems.push(`${name} ${lang} ${width}: scrollWidth ${scroll}`);
          for (const v of await axeViolations()) problems.push(`${name} ${lang} ${width}: ${v}`);
          titles.add(await page.title());
          await page.screenshot({
            path: join(ARTIFACTS, `${name}-${lang}-${width}.png`),
            fullPage: true,
          });
        }
        // search and runs share the list's title; every other page has its own.
        expect(titles.size, [...titles].join(' | ')).toBe(Object.keys(pages).length - 1);
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await setLang('en');
    expect(problems).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(thumbnailAnswers.filter((a) => !a.startsWith('200 '))).toEqual([]);
  }, 180_000);

  it('keeps the keyboard focus on the same run while the list refreshes itself and new runs arrive', async () => {
    await page.goto(`${server.url}/`);
    await page.waitForSelector(`tr[data-id="${runs.cat}"]`);
    await page.focus(`tr[data-id="${runs.cat}"] .pick-box`);
    await page.evaluate('document.querySelector("table.runs").dataset.drawn = "before"');
    const focused = () =>
      page.evaluate<[string | null, boolean]>(
        '[document.activeElement?.closest("tr")?.getAttribute("data-id") ?? null, document.activeElement?.classList.contains("pick-box") ?? false]',
      );
    const settled = () =>
      page.evaluate('new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)))');
    // A refresh with nothing new draws nothing again.
    await page.waitForResponse((r) => r.url().includes('/api/executions?'));
    await settled();
    expect(await page.getAttribute('table.runs', 'data-drawn')).toBe('before');
    expect(await focused()).toEqual([runs.cat, true]);
    // A new run is drawn (marked new), and the focus stays on the same run's checkbox.
    const added = await execute({
      schema: 'passthrough',
      input_text: 'Ein Vogel singt',
      output_config: 'none',
    });
    await page.waitForSelector(`tr[data-id="${added}"] .badge-new`, { timeout: 10_000 });
    await settled();
    expect(await page.getAttribute('table.runs', 'data-drawn')).toBeNull();
    expect(await focused()).toEqual([runs.cat, true]);
    const picked = async () => parseInt((await page.textContent('#picked-count'))!, 10);
    const before = await picked();
    await page.keyboard.press('Space');
    expect(await picked()).toBe(before + 1);
  });

  it('exports the filtered list from the page as the same bundle as the CLI with the same filters', async () => {
    await page.goto(`${server.url}/?q=Baum&safety_level=kids`);
    await page.evaluate('sessionStorage.clear()');
    await page.reload();
    await expect.poll(() => page.locator('table.runs tbody tr').count()).toBe(2);
    const exported = async (format: string, scope = 'filter') => {
      await page.selectOption('#export-format', format);
      await page.selectOption('#export-scope', scope);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('#export-start'),
      ]);
      await expect.poll(() => page.textContent('.export-status')).toMatch(/^Done: /);
      const path = join(dir, `page-${format}-${scope}`);
      await download.saveAs(path);
      return { name: download.suggestedFilename(), bytes: await readFile(path) };
    };
    const bundle = await exported('bundle');
    expect(bundle.name).toBe('research-bundle.zip');
    expect(await page.locator('#export-progress').getAttribute('value')).toBe('1');
    await page.screenshot({ path: join(ARTIFACTS, 'export-en-1280.png'), fullPage: true });
    const entries = readZip(bundle.bytes);
    const fromPage = JSON.parse(
      entries.find((e) => e.name === 'manifest.json')!.data.toString('utf8'),
    ) as BundleManifest;
    const jsonl = await exported('jsonl');
    expect(jsonl.bytes.toString('utf8').trim().split('\n')).toHaveLength(2);
    const csv = await exported('csv');
    expect(csv.bytes.equals(entries.find((e) => e.name === 'runs.csv')!.data)).toBe(true);
    // Only the selection: one run of the two.
    await page.check(`tr[data-id="${runs.stillepost}"] .pick-box`);
    const picked = await exported('csv', 'selection');
    const rows = picked.bytes.toString('utf8').trim().split('\r\n');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain(runs.stillepost);
    expect(rows[1]).toContain(PROMPT);
    // Without the children's texts, and (the bundle) with pseudonyms from a study key.
    await page.check('#export-omit-text');
    const omitted = await exported('csv', 'selection');
    expect(omitted.bytes.toString('utf8')).toContain(runs.stillepost);
    expect(omitted.bytes.toString('utf8')).not.toContain(PROMPT);
    await page.selectOption('#export-format', 'bundle');
    await page.fill('#export-study-key', 'study-key-of-class-7b-2026');
    const pseudonymous = await exported('bundle', 'selection');
    const manifest = JSON.parse(
      readZip(pseudonymous.bytes)
        .find((e) => e.name === 'manifest.json')!
        .data.toString('utf8'),
    ) as BundleManifest;
    expect(manifest).toMatchObject({
      pseudonymized: true,
      free_text_omitted: true,
      filters: { ids: runs.stillepost },
    });
    expect(pageErrors).toEqual([]);

    // The CLI on the same records, once the server has let go of the directory.
    await browser.close();
    await server.close();
    await ctx.tracing.shutdown();
    await ctx.store.close?.();
    const out = join(dir, 'cli-bundle');
    const err = new PassThrough();
    let stderr = '';
    err.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await runCli(
      ['export', '--bundle', out, '--q', 'Baum', '--safety-level', 'kids'],
      { EXECUTIONS_DIR: join(dir, 'data', 'executions'), MEDIA_DIR: join(dir, 'data', 'media') },
      { stdout: new PassThrough(), stderr: err },
    );
    expect(code, stderr).toBe(0);
    const fromCli = JSON.parse(
      await readFile(join(out, 'manifest.json'), 'utf8'),
    ) as BundleManifest;
    expect(fromPage.counts).toEqual(fromCli.counts);
    expect(fromPage.counts.records).toBe(2);
    expect(fromPage.filters).toEqual(fromCli.filters);
    // The tables' checksums agree; an .xlsx holds the moment it was written (its ZIP entries'
    // dates), so only its name is compared (its cells are checked against Parquet elsewhere).
    const sameBytes = (files: BundleManifest['files']) =>
      files.map((f) => (f.name.endsWith('.xlsx') ? { name: f.name } : f));
    expect(sameBytes(fromPage.files)).toEqual(sameBytes(fromCli.files));
    for (const file of fromCli.files) {
      if (file.name.endsWith('.xlsx')) continue;
      const sha = createHash('sha256')
        .update(await readFile(join(out, file.name)))
        .digest('hex');
      expect(sha, file.name).toBe(file.sha256);
      expect(
        createHash('sha256')
          .update(entries.find((e) => e.name === file.name)!.data)
          .digest('hex'),
        file.name,
      ).toBe(file.sha256);
    }
  }, 120_000);
});
