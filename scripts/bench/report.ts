// The bench's figures, printed as a table and written to BENCHMARKS.md with a guide to reading them.
// The sections of BENCHMARKS.md that people wrote (such as "## Before and after ...") are kept
// verbatim when the file is rewritten: only the results, the targets and the guide are the bench's.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { megabytes, ms, perSecond } from './stats';

/**
 * 'ops/CPU s': operations per second of CPU time; 'CPU ms': CPU time used, per request unless said;
 * 'cores': CPU time used per second of wall time, 2 being both cores of a 2-core machine busy.
 */
export type Unit = 'ops/CPU s' | 'req/s' | 'ms' | 'CPU ms' | 'MB' | 'count' | 'cores';

/** A goal of issue 14: the cost vs baseline at most maxRatio, or the figure itself at most maxValue. */
export interface Target {
  text: string;
  maxRatio?: number;
  maxValue?: number;
}

export interface Figure {
  section: string;
  measure: string;
  value: number;
  unit: Unit;
  /** The same thing measured without the shop, in the same run. */
  baseline?: { label: string; value: number };
  target?: Target;
}

/** A yes/no property the run must have, such as "every payment paid exactly once". */
export interface Check {
  name: string;
  passed: boolean;
  detail: string;
}

/** What one measurement module hands back. */
export interface Measurement {
  figures: Figure[];
  checks: Check[];
  notes?: string[];
}

export interface BenchReport {
  figures: Figure[];
  checks: Check[];
  notes: string[];
  durationMs: number;
}

const RATES: readonly Unit[] = ['ops/CPU s', 'req/s'];

function format(value: number, unit: Unit): string {
  if (unit === 'ms') return ms(value);
  if (unit === 'CPU ms') return `${ms(value)} CPU`;
  if (unit === 'MB') return megabytes(value * 1024 * 1024);
  if (unit === 'count') return Number.isInteger(value) ? String(value) : value.toFixed(1);
  if (unit === 'cores') return `${value.toFixed(2)} cores`;
  return perSecond(value, unit);
}

/** How many times the baseline's cost the shop's is, whatever the unit: 1.0 is as cheap as the baseline. */
export function costRatio(figure: Figure): number | undefined {
  if (!figure.baseline || figure.baseline.value === 0 || figure.value === 0) return undefined;
  return RATES.includes(figure.unit) ? figure.baseline.value / figure.value : figure.value / figure.baseline.value;
}

function rows(figures: Figure[]): string[][] {
  return figures.map((figure) => {
    const ratio = costRatio(figure);
    return [
      figure.section,
      figure.measure,
      format(figure.value, figure.unit),
      figure.baseline ? `${format(figure.baseline.value, figure.unit)} (${figure.baseline.label})` : '—',
      ratio === undefined ? '—' : `${ratio.toFixed(2)}×`,
    ];
  });
}

const HEADER = ['Section', 'Measure', 'Shop', 'Baseline (same run)', 'Cost vs baseline'];
const TARGET_HEADER = ['Figure', 'Shop', 'Baseline (same run)', 'Cost vs baseline', 'Target', 'Met'];

function met(figure: Figure): boolean | undefined {
  const { target } = figure;
  if (!target) return undefined;
  const ratio = costRatio(figure);
  if (target.maxRatio !== undefined && (ratio === undefined || ratio > target.maxRatio)) return false;
  if (target.maxValue !== undefined && !(figure.value <= target.maxValue)) return false;
  return true;
}

/** The figures that have a target, each with its baseline, ratio and whether it meets the target. */
function targetRows(figures: Figure[]): string[][] {
  return figures.filter((figure) => figure.target).map((figure) => {
    const [section, measure, shop, baseline, ratio] = rows([figure])[0]!;
    return [`${section}: ${measure}`, shop!, baseline!, ratio!, figure.target!.text, met(figure) ? 'yes' : 'no'];
  });
}

function printTable(header: string[], body: string[][]): void {
  const table = [header, ...body];
  const widths = header.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of body) console.log(line(row));
  console.log('');
}

export function printReport(report: BenchReport): void {
  printTable(HEADER, rows(report.figures));
  console.log('Targets (issue 14):');
  printTable(TARGET_HEADER, targetRows(report.figures));
  for (const check of report.checks) console.log(`${check.passed ? 'PASS' : 'FAIL'}  ${check.name}: ${check.detail}`);
  for (const note of report.notes) console.log(`note: ${note}`);
  console.log(`\nWhole run: ${(report.durationMs / 1000).toFixed(0)} s`);
}

const GUIDE = `## How to read this

Every figure stands next to a baseline measured **in the same run, on the same machine, at the same
time**, because absolute numbers on a shared 2-core machine move by tens of percent from one run to
the next while ratios hold. Compare runs by the last column, not by the absolute figures. The
*CPU ms* rows (CPU time a process used, from \`/proc\`, divided by the requests it served) are the
steadiest of all: they barely move when other processes compete for the cores, where requests per
second and latencies drop. The load-average note under the table says how busy the machine was.

**Cost vs baseline** says how many times the baseline's cost the shop pays: time per operation,
CPU, latency or memory. 1.00× is as cheap as the baseline; 3.00× costs three times as much. For
rates it is baseline rate ÷ shop rate, so it reads the same way.

- **crypto** — one OrderCreate message (the request the shop sends at checkout) signed, encrypted,
  decrypted and verified, as \`src/sinopac/crypto.ts\` and the client do it (JSON included), against
  bare AES-256-CBC encryption and decryption plus two SHA-256 digests of the same number of bytes,
  per second of CPU. The gap is what the protocol's own rules cost (sorting members for the Sign,
  hex text, IV derivation). Set 1 ÷ rate (tens of microseconds) against the milliseconds below.
- **database: client CPU per query** — one product lookup through Prisma, as the shop's code makes
  it, against the same SQL on the bare \`pg\` driver underneath, in CPU of the bench process. Every
  statement in the rows further down costs about this much CPU in the shop.
- **checkout** — \`POST /checkout\` with a one-item cart by card, one request at a time, so nothing
  queues; each checkout is a new shopper. Its latency runs until the redirect's headers, which a
  browser follows at once: the shop sends them as soon as the bank gives its card page and ends the
  response once it has stored the bank's answer (the next row). The sandbox times its own handling
  of the Nonce and Order calls each checkout makes (request in to response out); *shop overhead* is
  the checkout latency minus that time: middleware, database round trips, crypto, HTTP client and
  loopback hops. The CPU rows count the whole request, the answer stored.
- **pages** — autocannon, 10 connections, in alternating 2-second rounds against the shop's catalog
  and product pages and against a bare Express + Nunjucks app (\`scripts/bench/bare-app.ts\`)
  rendering the same templates with the same products held in memory: no database, session, CSRF,
  security headers, rate limits or logging. *Returning visitor* sends the cookies of a shopper with
  a product in the cart, so with a stored session (one browser per connection); *first visit* sends
  none, so every request issues a CSRF cookie. The shop serves these two pages without reading
  the session (the cart badge comes from a cookie of its own).
- **catalogue size** — the catalogue's first page and two searches (two Chinese characters, and an
  English word), each finding a thousand products, against a shop process whose database holds
  10,000 active products (\`scripts/bench/catalogue-size.ts\`: the seeded 12 and generated ones,
  each with a photo row and a shelf) and against the shop holding the seeded 12, in alternating
  rounds, first visits. The target is for the shop's CPU per request; a search's PostgreSQL CPU
  grows with the products it finds (all counted and sorted), not with the catalogue.
- **webhook burst** — 1,000 card payments created at the sandbox and paid there with notifications
  held back, then every PayToken posted to the shop's BackendURL 5 times at once (10 PayTokens, 50
  callbacks, in flight). The burst takes no new PayToken after its time budget, so that the run
  stays near five minutes: *callbacks sent* says how far it got, the checks cover exactly those
  payments, and the payments never notified must be untouched. The baseline is the same burst, on
  as many fresh payments of its own, against a bare endpoint that does the same work with no
  framework (\`scripts/bench/bare-callback-endpoint.ts\`: \`node:http\`, a \`pg\` pool, the Nonce and
  OrderPayQuery calls sealed and opened with \`src/sinopac/crypto.ts\`; the delivery's PayToken row
  first, then one transaction that locks the attempt \`FOR UPDATE\`, checks the bank's answer
  against it and writes in one statement what the shop writes: Payment, PaymentEvent, Order,
  the payment-received mail row and its notification, the exchange audit row and the PayToken
  marked applied; copies of a token in flight wait for the first, as in the shop). It has its own
  database on the same PostgreSQL server. It sends no mail: the shop also sends the mails its
  payments owe, some during the burst (the row says how many); those still unsent when a burst
  ends are marked given up, so that sending them does not weigh on the next burst. *OrderPayQuery calls per PayToken* counts the questions to the bank: 1 is the minimum.
  *Repeated callback* posts up to 400 of the burst's PayTokens again, all five copies, to each
  server: every delivery finds its token applied and ends with the statement that logs it (the
  bare endpoint makes two), so the row is what a server costs per request around one statement.
  *Bare endpoint on Express and Prisma* is the same endpoint, the same code, as an Express route
  that reads its body with \`express.text\` as the shop's does and sends its statements through a
  Prisma client on the pg adapter as the shop's do, on fresh payments of its own: what the stack
  the shop keeps adds, the floor for any shop built on it, and the baseline of issue 26's
  re-based CPU target (the shop at most 1.5× it).
- **webhook burst, 2 shop processes** — the same burst on fresh payments against two shop
  processes on one database, each request going to the next process in turn as a load balancer
  would deal them, so the copies of one token mostly reach different processes (each of which then
  asks the bank). Its baseline is the one-process burst above. The *CPU in use* rows are CPU time
  per second of the burst, in cores: the shop processes, PostgreSQL, the bench process (load
  generator, sandbox, mail catcher) and the whole machine, other people's work included. Where the
  whole machine reaches the number of cores, more processes cannot raise throughput.
- **database** — SQL statements (each one a round trip to PostgreSQL) one step costs, counted on
  the database client of the bench process running the shop's own functions one at a time. They
  change only when the code does.
- **memory** — resident set size of the shop process (a child process running \`src/run-shop.ts\`, as \`npm start\` does,
  so the figure is the shop's alone), idle and right after its one-process burst, against the bare
  app idle and after its page rounds: one process that renders the same pages, as the shop does,
  so both target ratios compare like with like. The bare callback endpoint after its burst is a
  second row for the after-burst figure. V8 keeps the heap it grew under load. The last row is
  Prisma's own share: a process that does nothing but look a product up 300 times through Prisma
  as the shop makes it (\`scripts/bench/client-memory.ts\`, on WASM's baseline tier as the shop
  runs), against the same lookups through \`pg\`.

**Targets** lists the goals of issue 14, each a row of the table with its baseline; *Met* compares
the cost vs baseline (or, for the checkout, the overhead itself) with the goal. Sections other than
the ones the bench writes (results, Targets, this guide) are kept verbatim when it rewrites the
file, so a hand-written before-and-after account survives. \`BENCH_QUICK=1 npm run bench\` runs a
small fraction of everything, for working on the bench, and writes \`.data/BENCHMARKS.quick.md\`.

The shop runs as \`npm start\` runs it in production (\`NODE_ENV=production\`, log level info, logs
to a file, its job queue on) but from its source through tsx's loader, against the sandbox as a remote bank; its
settings are checked as a development shop's (\`scripts/bench/shop-server.ts\`), since production refuses the
sandbox's keys. Production itself runs the build (\`dist/\`), which idles about 40 MB lower ("Production build and
install"). The bench plays the TLS-terminating reverse proxy a production shop sits behind: from loopback, which the shop trusts,
it sends \`X-Forwarded-Proto: https\`, so the Secure session cookies work on plain
\`http://127.0.0.1\`, and \`X-Forwarded-For\` with one address per shopper, and 20 for the bank, as
the shop's per-address rate limits expect real traffic to look.`;

/** Headings of the sections the bench writes; every other "## " section of the file is people's. */
const GENERATED_SECTIONS = ['## Targets', '## How to read this'];

/** The hand-written "## " sections of a BENCHMARKS.md, each verbatim from its heading to the next. */
export function handWrittenSections(markdown: string): string[] {
  const sections: string[][] = [];
  let current: string[] | undefined;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) {
      current = GENERATED_SECTIONS.includes(line.trim()) ? undefined : [line];
      if (current) sections.push(current);
    } else {
      current?.push(line);
    }
  }
  return sections.map((lines) => lines.join('\n').trimEnd());
}

/** Writes the report to `path`, with the hand-written sections of `keepFrom` (usually the same file). */
export function writeMarkdown(path: string, report: BenchReport, keepFrom: string = path): void {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const markdownTable = (header: string[], body: string[][]) =>
    [header, header.map(() => '---'), ...body].map((row) => `| ${row.map(escape).join(' | ')} |`);
  const checks = report.checks.map((check) => `- ${check.passed ? '✅' : '❌'} ${check.name}: ${check.detail}`);
  const notes = report.notes.map((note) => `- ${note}`);
  const kept = existsSync(keepFrom) ? handWrittenSections(readFileSync(keepFrom, 'utf8')) : [];
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`;
  const text = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` (\`scripts/bench/main.ts\`) on ${new Date().toISOString().slice(0, 10)}: ${machine}; the whole run took ${(report.durationMs / 1000).toFixed(0)} s.`,
    '',
    ...markdownTable(HEADER, rows(report.figures)),
    '',
    ...checks,
    ...(notes.length > 0 ? ['', ...notes] : []),
    '',
    '## Targets',
    '',
    'The goals of issue 14, each from the table above, next to the baseline it is measured against.',
    '',
    ...markdownTable(TARGET_HEADER, targetRows(report.figures)),
    '',
    ...kept.flatMap((section) => [section, '']),
    GUIDE,
    '',
  ].join('\n');
  writeFileSync(path, text);
}
