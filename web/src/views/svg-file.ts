const SVG_NS = 'http://www.w3.org/2000/svg';

/** What Plot puts in its `<style>` elements; kept aside, as the page's CSP refuses inline styles. */
const styles = new WeakMap<Element, string>();

/**
 * Takes the `<style>` elements out of a Plot chart (the page's Content Security Policy allows
 * no inline style; `stats.css` carries the same rules for the page) and keeps their text for
 * the downloaded file.
 */
export function detachStyles(chart: Element): Element {
  const text = [...chart.querySelectorAll('style')].map((s) => {
    s.remove();
    return s.textContent ?? '';
  });
  styles.set(chart, text.join('\n'));
  return chart;
}

interface ColorScale {
  domain: readonly unknown[];
  range?: readonly unknown[];
}

/**
 * A standalone SVG file of a chart: its styles back inline, a title, and for a chart with a
 * colour legend the swatches drawn above the plot (the page shows them as HTML).
 */
export function svgFile(chart: Element, title: string): string {
  const svg = chart instanceof SVGSVGElement ? chart : chart.querySelector('svg:last-of-type')!;
  const plot = svg.cloneNode(true) as SVGSVGElement;
  const width = Number(plot.getAttribute('width'));
  const height = Number(plot.getAttribute('height'));
  const scale = (chart as Element & { scale?: (name: string) => ColorScale | undefined }).scale?.(
    'color',
  );
  const legend = scale?.range
    ? scale.domain.map((d, i) => [String(d), String(scale.range![i % scale.range!.length])])
    : [];
  const top = 28 + legend.length * 18;
  const out = document.createElementNS(SVG_NS, 'svg');
  out.setAttribute('xmlns', SVG_NS);
  out.setAttribute('width', String(width));
  out.setAttribute('height', String(height + top));
  out.setAttribute('viewBox', `0 0 ${width} ${height + top}`);
  out.setAttribute('font-family', 'system-ui, sans-serif');
  const style = document.createElementNS(SVG_NS, 'style');
  style.textContent = styles.get(chart) ?? '';
  const heading = document.createElementNS(SVG_NS, 'text');
  heading.setAttribute('x', '4');
  heading.setAttribute('y', '18');
  heading.setAttribute('font-size', '14');
  heading.setAttribute('font-weight', 'bold');
  heading.textContent = title;
  out.append(style, heading);
  legend.forEach(([label, color], i) => {
    const rect = document.createElementNS(SVG_NS, 'rect');
    Object.entries({ x: 4, y: 30 + i * 18, width: 12, height: 12, fill: color }).forEach(([k, v]) =>
      rect.setAttribute(k, String(v)),
    );
    const text = document.createElementNS(SVG_NS, 'text');
    Object.entries({ x: 22, y: 40 + i * 18, 'font-size': 12 }).forEach(([k, v]) =>
      text.setAttribute(k, String(v)),
    );
    text.textContent = label;
    out.append(rect, text);
  });
  plot.setAttribute('y', String(top));
  out.append(plot);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(out)}\n`;
}
