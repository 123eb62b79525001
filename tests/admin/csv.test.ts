import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../src/admin/csv';

describe('a CSV cell', () => {
  it('is quoted when it holds a comma, quote or line break, with quotes doubled', () => {
    expect(csvCell('plain 文字')).toBe('plain 文字');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
  });

  it('never starts like a formula', () => {
    for (const start of ['=', '+', '-', '@', '\t']) expect(csvCell(`${start}SUM(A1)`)).toBe(`'${start}SUM(A1)`);
    expect(csvCell('=1+1,2')).toBe(`"'=1+1,2"`);
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('writes numbers as numbers and nothing as empty', () => {
    expect(csvCell(-1500)).toBe('-1500');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });
});

it('a CSV file starts with a byte-order mark and ends every row with CRLF', () => {
  expect(toCsv([['a', 'b'], [1, '=x']])).toBe("\uFEFFa,b\r\n1,'=x\r\n");
});
