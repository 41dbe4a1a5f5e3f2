/**
 * docs/PERFORMANCE.md is made of sections, one per scenario, between markers. A run writes the
 * sections of the scenarios it ran and keeps the others as the last run that ran them left them.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const SECTION_ORDER = [
  'setup',
  'pages',
  'signin',
  'search',
  'memory',
  'soak',
  'mail',
  'requests',
  'open311',
  'dues',
  'certificates',
  'polls',
  'phone',
  'kep',
] as const;
export type Section = (typeof SECTION_ORDER)[number];

const marker = (name: string, end = false) => `<!-- bench:${end ? '/' : ''}${name} -->`;

function sectionsOf(text: string): Partial<Record<Section, string>> {
  const found: Partial<Record<Section, string>> = {};
  for (const name of SECTION_ORDER) {
    const start = text.indexOf(marker(name));
    const end = text.indexOf(marker(name, true));
    if (start >= 0 && end > start)
      found[name] = text.slice(start + marker(name).length, end).trim();
  }
  return found;
}

export function writeReport(file: string, fresh: Partial<Record<Section, string>>): string {
  const previous = existsSync(file) ? sectionsOf(readFileSync(file, 'utf8')) : {};
  const today = new Date().toISOString().slice(0, 10);
  const body = SECTION_ORDER.map((name) => {
    const measured =
      fresh[name] && name !== 'setup' ? `${fresh[name]}\n\n_Measured ${today}._` : fresh[name];
    const text =
      measured ??
      previous[name] ??
      `_Not measured yet: \`npm run bench -- ${name === 'memory' ? 'flood' : name}\`._`;
    return `${marker(name)}\n${text}\n${marker(name, true)}`;
  }).join('\n\n');
  const report = `# Performance\n\n${body}\n`;
  writeFileSync(file, report);
  return report;
}

export const ok = (pass: boolean) => (pass ? 'pass' : '**FAIL**');
