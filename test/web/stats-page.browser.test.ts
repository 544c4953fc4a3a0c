import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../helpers/csv-parse.js';
import { listen } from '../helpers/listen.js';
import { ARTIFACTS, CHROMIUM_ARGS } from '../helpers/browser-checks.js';
import { ROOT } from '../helpers/processes.js';
import { studyRecord, studyRecords } from '../helpers/study-records.js';
import { testApp } from '../helpers/test-app.js';
import { buildWebOnce } from '../helpers/web-build.js';

const TABLES = [
  'runs_per_day',
  'block_rate_by_level',
  'block_rate_by_config',
  'blocks_by_category',
  'stage_durations',
  'outputs_by_media_type',
  'stillepost_drift',
];

type Ctx = Awaited<ReturnType<typeof testApp>>;
type Table = { columns: string[]; rows: Record<string, string | number | null>[]; hidden: number };
let server: { ctx: Ctx; url: string; close: () => Promise<void> };
let chrome: Browser;
let browser: BrowserContext;
let page: Page;
let profile: string;
const pageErrors: string[] = [];
const offsite: string[] = [];

beforeAll(async () => {
  // The shared build (locked, only when the sources changed): an unconditional one empties
  // web/dist while the other browser files serve it.
  expect(await buildWebOnce()).toBeNull();
  await mkdir(ARTIFACTS, { recursive: true });
  profile = await mkdtemp(join(tmpdir(), 'eh-stats-page-'));
  const ctx = await testApp({ dir: join(profile, 'server') });
  for (const r of studyRecords(180, 11, 12)) await ctx.store.save(r);
  // Blocks of the category with the longest German label, from enough users to be shown.
  for (let i = 0; i < 6; i += 1)
    await ctx.store.save(
      studyRecord({
        startMillis: Date.UTC(2026, 10, 25, 10, i),
        user: `child-${i}`,
        config: 'dada',
        level: 'kids',
        blockStage: 1,
        category: 'drugs',
      }),
    );
  server = { ctx, ...(await listen(ctx.app)) };
  chrome = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  browser = await chrome.newContext({
    locale: 'en-US',
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    // CSP refusals and script errors; failed loads are caught below (Chromium's own favicon
    // request, which the page never makes, answers 404 and is not a response of the page).
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      pageErrors.push(m.text());
  });
  page.on('response', (r) => {
    // Every failed response of the page, a list thumbnail's too (the list asks only for runs
    // whose summary says they have an image).
    if (r.status() >= 400) pageErrors.push(`${r.status()} ${r.url()}`);
  });
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.protocol.startsWith('http') && url.hostname !== '127.0.0.1') offsite.push(r.url());
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await chrome?.close();
  await server?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

async function open(lang: 'en' | 'de', width: number, search = ''): Promise<void> {
  await page.setViewportSize({ width, height: 900 });
  await page.goto(`${server.url}/`);
  await page.evaluate(`localStorage.setItem('eh-lang', '${lang}')`);
  await page.goto(`${server.url}/stats${search}`);
  await page.waitForSelector('#chart-stillepost-drift svg');
}

/**
 * What a download link of the page holds (its blob, read in the page) and the file name it
 * offers. Read in a context that lets the test's own `fetch` of a blob URL through the page's
 * Content Security Policy (`connect-src 'self'`); the page itself never fetches it.
 */
async function downloaded(reader: Page, name: string): Promise<string> {
  const link = reader.locator(`a[data-download="${name}"]`);
  expect(await link.getAttribute('download')).toBe(name);
  return link.evaluate(async (a) => (await fetch((a as unknown as { href: string }).href)).text());
}

/** A CSV's rows as the API's values: numbers where the API has numbers. */
function csvTable(text: string, like: Table) {
  const lines = parseCsv(text.replace(/^#.*\r\n/m, ''));
  const [columns, ...rows] = lines;
  return {
    columns,
    rows: rows.map((r) =>
      Object.fromEntries(
        columns!.map((c, i) => {
          const v = r[i]!;
          const number = typeof like.rows[0]?.[c] === 'number';
          return [c, v === '' ? null : number ? Number(v) : v];
        }),
      ),
    ),
  };
}

/** The API's blocks table with the German label of each category beside its code. */
function labelled(api: {
  tables: Record<string, Table>;
  categories: Record<string, { de: string }>;
}) {
  const table = api.tables.blocks_by_category!;
  expect(table.columns).toEqual(['stage', 'category', 'blocked', 'block_rate']);
  return {
    ...table,
    columns: ['stage', 'category', 'category_label', 'blocked', 'block_rate'],
    rows: table.rows.map((r) => ({
      ...r,
      category_label: api.categories[String(r.category)]!.de,
    })),
  };
}

describe('study overview page in Chromium', () => {
  for (const lang of ['en', 'de'] as const) {
    for (const width of [1280, 390]) {
      it(`draws every chart in ${lang} at ${width} px, without horizontal scroll`, async () => {
        await open(lang, width);
        const heading = lang === 'en' ? 'Study overview' : 'Studienüberblick';
        expect(await page.textContent('h1')).toBe(heading);
        expect(await page.title()).toBe(`${heading} · execution-history`);
        expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe(heading);
        for (const name of TABLES) {
          const svg = page.locator(`#chart-${name.replaceAll('_', '-')} svg[role="img"]`);
          await expect.poll(() => svg.count(), { message: name }).toBe(1);
          expect((await svg.boundingBox())!.width).toBeLessThanOrEqual(width);
        }
        // Bars and dots were drawn, not just axes.
        expect(await page.locator('#chart-block-rate-by-level svg rect').count()).toBeGreaterThan(
          0,
        );
        expect(await page.locator('#chart-stillepost-drift svg circle').count()).toBe(5);
        const scroll = await page.evaluate('document.scrollingElement.scrollWidth');
        expect(scroll).toBeLessThanOrEqual(width);
        await page.screenshot({
          path: join(ARTIFACTS, `stats-page-${lang}-${width}.png`),
          fullPage: true,
        });
      });
    }
  }

  it("offers each chart's data as CSV equal to the API's numbers, and the chart as SVG", async () => {
    const reading = await chrome.newContext({
      bypassCSP: true,
      locale: 'de-DE',
      viewport: { width: 1280, height: 900 },
    });
    const reader = await reading.newPage();
    await reader.goto(`${server.url}/stats`);
    await reader.waitForSelector('#chart-stillepost-drift svg');
    const api = (await request(server.ctx.app).get('/api/stats').expect(200)).body as {
      k: number;
      tables: Record<string, Table>;
      categories: Record<string, { de: string; en: string }>;
    };
    for (const name of TABLES) {
      const table = name === 'blocks_by_category' ? labelled(api) : api.tables[name]!;
      const csv = await downloaded(reader, `${name}.csv`);
      expect(csvTable(csv, table), name).toEqual({ columns: table.columns, rows: table.rows });
      if (table.hidden > 0) expect(csv).toContain(`# ${table.hidden} group`);
      const svg = await downloaded(reader, `${name}.svg`);
      expect(svg).toMatch(
        /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/,
      );
      expect(svg).toContain('<style>');
    }
    expect(api.tables.block_rate_by_config!.hidden).toBeGreaterThan(0);
    expect(
      await reader.locator('#chart-block-rate-by-config .stats-hidden').textContent(),
    ).toContain(`mit weniger als ${api.k} Nutzern ausgeblendet`);
    await reading.close();
  }, 90_000);

  for (const [lang, width] of [
    ['de', 1280],
    ['en', 390],
  ] as const) {
    it(`names block categories by their ${lang} label, the code in the tooltip and the table (${width} px)`, async () => {
      await open(lang, width);
      const section = page.locator('#chart-blocks-by-category');
      // Each label of the chart, its wrapped lines joined by a space.
      const labels = await section.locator('svg[role="img"] text').evaluateAll((texts) =>
        texts.map((t) => {
          const lines = [...t.querySelectorAll('tspan')].map((l) => l.textContent);
          return lines.length > 0 ? lines.join(' ') : t.textContent;
        }),
      );
      const stage = lang === 'de' ? 'Stufe' : 'Stage';
      const [weapons, drugs] =
        lang === 'de'
          ? ['Waffen', 'Alkohol, Rauchen und Drogen']
          : ['Weapons', 'Alcohol, smoking and drugs'];
      expect(labels).toContain(`${stage} 3: ${weapons}`);
      // The longest label is wrapped onto two lines of its tick, not cut off.
      expect(labels).toContain(`${stage} 1: ${drugs}`);
      // A code no label is known for (a category a later config added) is shown as itself.
      expect(labels).toContain(`${stage} 1: scary`);
      expect(labels.join('|')).not.toMatch(/undefined|: \||: $|: weapons/);
      const titles = await section.locator('svg[role="img"] title').allTextContents();
      expect(titles).toContain(`${weapons} (weapons)`);
      expect(titles).toContain('scary');
      // The data table: the code and, beside it, the label in the page's language.
      const head = await section.locator('thead th').allTextContents();
      expect(head).toEqual(['stage', 'category', 'category_label', 'blocked', 'block_rate']);
      const cells = await section
        .locator('tbody tr')
        .evaluateAll((trs) =>
          trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
        );
      expect(cells).toContainEqual([
        '3',
        'weapons',
        weapons,
        expect.any(String),
        expect.any(String),
      ]);
      expect(cells).toContainEqual(['1', 'drugs', drugs, '6', expect.any(String)]);
      expect(cells).toContainEqual(['1', 'scary', 'scary', expect.any(String), expect.any(String)]);
      // The label must not push the page wider than the screen, the data table open or not.
      await section.locator('summary').click();
      expect(await page.evaluate('document.scrollingElement.scrollWidth')).toBeLessThanOrEqual(
        width,
      );
      await section.screenshot({ path: join(ARTIFACTS, `stats-categories-${lang}-${width}.png`) });
    });
  }

  it('applies the list filters from its form and says when too few users remain', async () => {
    await open('en', 1280);
    await page.selectOption('#s-config', 'stillepost');
    await page.click('.filters button[type=submit]');
    await page.waitForURL(/\/stats\?config=stillepost$/);
    await expect.poll(() => page.locator('#chart-block-rate-by-config tbody tr').count()).toBe(1);
    await page.goto(`${server.url}/stats?config=solo_config`);
    await expect
      .poll(() => page.textContent('#stats-summary'))
      .toContain('fewer than 5 distinct users');
    expect(await page.locator('.stats-chart svg').count()).toBe(0);
  });

  it('has no axe-core violations, loads nothing from elsewhere and logs no error', async () => {
    const axe = await readFile(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
    for (const lang of ['en', 'de'] as const) {
      for (const width of [1280, 390]) {
        await open(lang, width);
        await page.evaluate(axe);
        const violations = (await page.evaluate(
          `axe.run().then((r) => r.violations.map((v) => v.id + ': ' + JSON.stringify(v.nodes.map((n) => n.target))))`,
        )) as string[];
        expect(violations, `${lang} ${width}`).toEqual([]);
      }
    }
    expect(offsite).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
