// Date helpers shared by the tree, pickers and export. No `vscode` import.
import * as l10n from '@vscode/l10n';

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

let cached: [string, Intl.RelativeTimeFormat] | undefined;

/** A relative time formatter for VS Code's display language (`env.language`), English for a tag Intl refuses. */
function formatter(locale: string): Intl.RelativeTimeFormat {
  if (cached?.[0] !== locale) {
    let f;
    try {
      f = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    } catch {
      f = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
    }
    cached = [locale, f];
  }
  return cached[1];
}

/** "3 days ago", "just now" in `locale` (VS Code's display language). Returns '' for a missing or invalid date. */
export function relativeTime(iso: string | null | undefined, now: number = Date.now(), locale = 'en'): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const seconds = Math.round((t - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return l10n.t('just now');
  for (const [unit, size] of UNITS) {
    if (abs >= size) return formatter(locale).format(Math.round(seconds / size), unit);
  }
  return formatter(locale).format(Math.round(seconds / 60), 'minute');
}

/** "2025-10-22 20:12 UTC" for tooltips and exports. */
export function formatUtc(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t).toISOString().replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
}

/** First line of a text, shortened to `max` characters with an ellipsis. */
export function firstLine(text: string | null | undefined, max = 80): string {
  const line = (text ?? '').split(/\r?\n/).find((l) => l.trim())?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
