// The bench rewrites BENCHMARKS.md on every run: the sections people wrote must survive that, and
// the targets must be judged against the right side of each ratio.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { costRatio, handWrittenSections, writeMarkdown, type BenchReport, type Figure } from '../../scripts/bench/report';

const HAND_WRITTEN = `## Before and after the fixes of issue 14

| Measure | Before | After |
| --- | --- | --- |
| callback CPU | 9.5 ms | 2.8 ms |

What changed: the settle transaction.

### A sub-heading stays inside its section`;

const PREVIOUS = `# Benchmarks

| old | generated | table |

## Targets

| old targets |

${HAND_WRITTEN}

## How to read this

The old guide.
`;

const callbackCpu: Figure = {
  section: 'webhook burst',
  measure: 'shop process CPU per callback',
  value: 3,
  unit: 'CPU ms',
  baseline: { label: 'bare endpoint', value: 1 },
  target: { maxRatio: 2, text: '≤ 2.00×' },
};
const throughput: Figure = {
  section: 'webhook burst',
  measure: 'callback throughput',
  value: 400,
  unit: 'req/s',
  baseline: { label: 'bare endpoint', value: 600 },
  target: { maxRatio: 2, text: '≥ 50 % of the bare endpoint (≤ 2.00×)' },
};
const report: BenchReport = { figures: [callbackCpu, throughput], checks: [], notes: [], durationMs: 1000 };

describe('BENCHMARKS.md', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const file = (text: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
    dirs.push(dir);
    const path = join(dir, 'BENCHMARKS.md');
    writeFileSync(path, text);
    return path;
  };

  it('keeps only the hand-written sections, verbatim', () => {
    expect(handWrittenSections(PREVIOUS)).toEqual([HAND_WRITTEN]);
  });

  it('keeps them across rewrites, once each, between the targets and the guide', () => {
    const path = file(PREVIOUS);
    writeMarkdown(path, report);
    writeMarkdown(path, report);
    const text = readFileSync(path, 'utf8');
    expect(text.split(HAND_WRITTEN)).toHaveLength(2);
    expect(text).not.toContain('The old guide.');
    expect(text).not.toContain('| old targets |');
    const order = ['## Targets', '## Before and after the fixes of issue 14', '## How to read this'].map((h) => text.indexOf(h));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order[0]).toBeGreaterThan(0);
  });

  it('writes a quick run elsewhere with the sections of the real file', () => {
    const source = file(PREVIOUS);
    const quick = join(dirs[0]!, 'quick.md');
    writeMarkdown(quick, report, source);
    expect(readFileSync(quick, 'utf8')).toContain(HAND_WRITTEN);
    expect(readFileSync(source, 'utf8')).toBe(PREVIOUS);
  });

  it('judges each target on its cost vs baseline: rates by baseline ÷ shop', () => {
    expect(costRatio(callbackCpu)).toBe(3);
    expect(costRatio(throughput)).toBe(1.5);
    const path = file('');
    writeMarkdown(path, report);
    const rows = readFileSync(path, 'utf8').split('\n').filter((line) => line.startsWith('| webhook burst: '));
    expect(rows).toEqual([
      expect.stringMatching(/shop process CPU per callback .*\| 3\.00× \| ≤ 2\.00× \| no \|$/),
      expect.stringMatching(/callback throughput .*\| 1\.50× \| .* \| yes \|$/),
    ]);
  });
});
