/** Inline SVG for the HTML report: a value histogram with the quantization range [min, max] marked. */
import type { Histogram } from '../stats.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(2) : v.toFixed(3);
}

export function histogramSvg(h: Histogram, title: string, width = 360, height = 120): string {
  const pad = 18;
  const plotW = width - 2 * pad;
  const plotH = height - 2 * pad;
  const peak = Math.max(1, ...h.counts);
  const barW = plotW / h.counts.length;
  const x = (v: number) => pad + ((v - h.lo) / (h.hi - h.lo)) * plotW;
  const bars = h.counts
    .map((c, i) => {
      const bh = (Math.log1p(c) / Math.log1p(peak)) * plotH;
      return `<rect x="${(pad + i * barW).toFixed(1)}" y="${(pad + plotH - bh).toFixed(1)}" width="${Math.max(0.5, barW - 0.5).toFixed(1)}" height="${bh.toFixed(1)}" fill="#5b8def"/>`;
    })
    .join('');
  // Labels sit inside the plot: the min label starts at its line, the max label ends at its line.
  const marker = (v: number, label: string, anchor: 'start' | 'end') =>
    `<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${pad - 4}" y2="${pad + plotH}" stroke="#d33" stroke-width="1.5"/>` +
    `<text x="${Math.min(width - 2, Math.max(2, x(v))).toFixed(1)}" y="${height - 4}" font-size="9" text-anchor="${anchor}" fill="#d33">${label} ${fmt(v)}</text>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}">` +
    `<title>${escapeHtml(title)}</title>` +
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#fafafa"/>` +
    `<text x="${pad}" y="11" font-size="10" fill="#333">${escapeHtml(title)} (log counts)</text>` +
    bars +
    marker(h.rangeMin, 'min', 'start') +
    marker(h.rangeMax, 'max', 'end') +
    `</svg>`
  );
}
