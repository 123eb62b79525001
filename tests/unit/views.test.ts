import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { formatTaipeiDateTime, groupDigits, setUpViews } from '../../src/web/views';

describe('views', () => {
  let viewsDir: string;
  afterEach(() => rmSync(viewsDir, { recursive: true, force: true }));

  function appWithPage(watch: boolean, text: string): express.Express {
    viewsDir = mkdtempSync(join(tmpdir(), 'views-'));
    writeFileSync(join(viewsDir, 'page.njk'), text);
    const app = express();
    setUpViews(app, { viewsDir, watch });
    app.get('/', (_req, res) => res.render('page.njk'));
    return app;
  }

  function edit(text: string): void {
    const file = join(viewsDir, 'page.njk');
    writeFileSync(file, text);
    // A later modification time than the first version's, however fast the test runs.
    const later = new Date(Date.now() + 60_000);
    utimesSync(file, later, later);
  }

  it('shows an edited template on the next request when watching', async () => {
    const app = appWithPage(true, 'first');
    expect((await request(app).get('/')).text).toBe('first');
    edit('second');
    expect((await request(app).get('/')).text).toBe('second');
  });

  it('keeps the compiled template when not watching', async () => {
    const app = appWithPage(false, 'first');
    expect((await request(app).get('/')).text).toBe('first');
    edit('second');
    expect((await request(app).get('/')).text).toBe('first');
  });

  it('shows dates in Taipei time in either language, midnight as 00', () => {
    const date = new Date('2026-01-31T16:05:00Z');
    expect(formatTaipeiDateTime(date, 'zh-TW')).toMatch(/^2026\/02\/01\s00:05$/);
    expect(formatTaipeiDateTime(date, 'en')).toBe('2026-02-01 00:05');
    expect(formatTaipeiDateTime(null, 'en')).toBe('');
  });

  it('groups an account number in fours for reading', () => {
    expect(groupDigits('12345678901234')).toBe('1234 5678 9012 34');
    expect(groupDigits(null)).toBe('');
  });
});
