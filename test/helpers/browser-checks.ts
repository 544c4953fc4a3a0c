import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { ROOT } from './processes.js';

/** Where browser tests leave their screenshots. */
export const ARTIFACTS = join(ROOT, 'test-artifacts');

/** Chromium's flags for the browser tests (headless, no sandbox, nothing fetched of its own). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core on the page as it is: no violations. */
export async function expectAccessible(page: Page): Promise<void> {
  await page.evaluate(await readFile(AXE, 'utf8'));
  const violations = await page.evaluate(async () => {
    type Result = { id: string; nodes: { target: string[]; failureSummary?: string }[] };
    const axe = (globalThis as unknown as { axe: { run: () => Promise<{ violations: Result[] }> } })
      .axe;
    return (await axe.run()).violations.map(
      (v) =>
        `${v.id}: ${v.nodes.map((n) => `${n.target.join(' ')} (${n.failureSummary})`).join('; ')}`,
    );
  });
  expect(violations).toEqual([]);
}

/**
 * At 390 px the page has no horizontal scroll and no timing row is wider than its card (a grid
 * row can spill past its card without widening the page); a full-page screenshot under `name`.
 */
export async function narrowShot(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await expect
      .poll(() => page.evaluate('document.scrollingElement.scrollWidth'))
      .toBeLessThanOrEqual(390);
    const spilling =
      await page.evaluate(`[...document.querySelectorAll('.wf-row')].filter((row) => {
      const card = row.closest('.waterfall').parentElement.getBoundingClientRect();
      return [...row.children].some((cell) => cell.getBoundingClientRect().right > card.right + 1);
    }).length`);
    expect(spilling).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
}
