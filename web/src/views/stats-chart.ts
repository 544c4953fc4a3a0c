import * as Plot from '@observablehq/plot';
import { currentLang } from '../i18n.js';
import { ts } from '../i18n-stats.js';
import type { StatsTable } from '../stats-csv.js';
import { levelLabel, mediaLabel } from '../vocabulary.js';

type Row = Record<string, string | number | null>;

const ACCENT = '#2f5bd3';
const LIGHT = '#a9bdf0';
const SCHEME = 'tableau10';

/** The class of every chart (stats.css holds Plot's default rules for it). */
export const CHART_CLASS = 'eh-plot';

const base = (width: number, extra: Plot.PlotOptions): Plot.PlotOptions => ({
  width,
  className: CHART_CLASS,
  marginLeft: 8,
  marginRight: 24,
  style: { fontSize: '12px', background: 'transparent', overflow: 'visible' },
  ...extra,
});

/** Horizontal bars of `x` per `y` label, with the value written at the bar's end. */
function bars(
  rows: Row[],
  width: number,
  y: (r: Row) => string,
  x: (r: Row) => number,
  label: string,
  title?: (r: Row) => string,
) {
  return Plot.plot(
    base(width, {
      marginLeft: Math.min(160, 12 + 7 * Math.max(...rows.map((r) => y(r).length))),
      marginRight: 48,
      height: 28 * rows.length + 40,
      x: { label, grid: true, nice: true, tickFormat: tick },
      y: { label: null, domain: rows.map(y) },
      marks: [
        // A long label wraps onto a second line rather than running out of the margin.
        Plot.axisY({ label: null, lineWidth: 12 }),
        Plot.barX(rows, { x, y, fill: ACCENT, title }),
        Plot.text(rows, { x, y, text: (r: Row) => tick(x(r)), dx: 4, textAnchor: 'start' }),
        Plot.ruleX([0]),
      ],
    }),
  );
}

/** A value label in the page's language (48,6 in German, 48.6 in English; whole from 100). */
const short = (v: Row[string]) =>
  typeof v === 'number'
    ? new Intl.NumberFormat(currentLang(), { maximumFractionDigits: v >= 100 ? 0 : 1 }).format(v)
    : String(v);

/** An axis tick in the page's language (1.000 and 0,5 in German). */
const tick = (v: unknown) =>
  typeof v === 'number' ? new Intl.NumberFormat(currentLang()).format(v) : String(v);

/** A day (`YYYY-MM-DD`) as the page's language writes it short (24.11. / 11/24). */
const dayTick = (v: unknown) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(v));
  if (!m) return String(v);
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(currentLang(), {
    day: 'numeric',
    month: 'numeric',
    timeZone: 'UTC',
  }).format(date);
};

const num = (key: string) => (r: Row) => Number(r[key] ?? 0);
const pct = (key: string) => (r: Row) => Math.round(Number(r[key] ?? 0) * 1000) / 10;

/** The chart of one stats table (an SVG, or a figure holding one), `width` pixels wide. */
export function statsChart(
  name: string,
  table: StatsTable,
  width: number,
): SVGSVGElement | HTMLElement {
  const rows = table.rows;
  switch (name) {
    case 'runs_per_day':
      return Plot.plot(
        base(width, {
          marginLeft: 40,
          marginBottom: 40,
          height: 260,
          x: { label: null, type: 'band', tickRotate: width < 500 ? -45 : 0, tickFormat: dayTick },
          y: { label: ts('axisRuns'), grid: true, tickFormat: tick },
          color: { legend: true, scheme: SCHEME },
          marks: [
            Plot.barY(rows, { x: 'day', y: 'runs', fill: 'config', title: 'config' }),
            Plot.ruleY([0]),
          ],
        }),
      );
    case 'block_rate_by_level':
      return bars(
        rows,
        width,
        (r) => levelLabel(String(r.safety_level)),
        pct('block_rate'),
        ts('axisRate'),
      );
    case 'block_rate_by_config':
      return bars(rows, width, (r) => String(r.config), pct('block_rate'), ts('axisRate'));
    case 'blocks_by_category':
      return bars(
        rows,
        width,
        (r) => `${ts('stage', { n: String(r.stage) })}: ${r.category_label ?? r.category}`,
        num('blocked'),
        ts('axisBlocked'),
        // The code beside the label, as the bar's tooltip (the label alone when it is the code).
        (r) =>
          !r.category_label || r.category_label === r.category
            ? String(r.category)
            : `${r.category_label} (${r.category})`,
      );
    case 'outputs_by_media_type':
      return bars(
        rows,
        width,
        (r) => mediaLabel(String(r.media_type)),
        num('outputs'),
        ts('axisOutputs'),
      );
    case 'stage_durations': {
      const y = (r: Row) => ts('stage', { n: String(r.stage) });
      return Plot.plot(
        base(width, {
          marginLeft: 64,
          marginRight: 92,
          height: 34 * rows.length + 40,
          x: { label: `${ts('axisMs')} (p50 ▮, p95 ▯)`, grid: true, nice: true, tickFormat: tick },
          y: { label: null, domain: rows.map(y) },
          marks: [
            Plot.barX(rows, { x: 'p95_ms', y, fill: LIGHT }),
            Plot.barX(rows, { x: 'p50_ms', y, fill: ACCENT, insetTop: 6, insetBottom: 6 }),
            Plot.text(rows, {
              x: 'p95_ms',
              y,
              text: (r: Row) => `${short(r.p50_ms)} / ${short(r.p95_ms)}`,
              dx: 4,
              textAnchor: 'start',
            }),
            Plot.ruleX([0]),
          ],
        }),
      );
    }
    default:
      return Plot.plot(
        base(width, {
          marginLeft: 40,
          height: 240,
          x: { label: ts('axisIteration'), ticks: rows.length, tickFormat: tick },
          y: { label: ts('axisSimilarity'), domain: [0, 1], grid: true, tickFormat: tick },
          marks: [
            Plot.lineY(rows, { x: 'iteration', y: 'mean_similarity', stroke: ACCENT }),
            Plot.dot(rows, { x: 'iteration', y: 'mean_similarity', fill: ACCENT, r: 4 }),
          ],
        }),
      );
  }
}
