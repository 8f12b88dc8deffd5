import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { END_MARKER, markdownTable, START_MARKER, updateDocument } from './report.ts';

describe('markdownTable', () => {
  it('right-aligns every column but the first and escapes pipes', () => {
    expect(
      markdownTable([
        ['a', 'b'],
        ['x|y', 1],
        ['z', null],
      ]),
    ).toBe(['| a | b |', '| --- | ---: |', '| x\\|y | 1 |', '| z | – |'].join('\n'));
  });
});

describe('updateDocument', () => {
  it('replaces only what is between the markers', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bench-report-')), 'doc.md');
    writeFileSync(file, `intro\n${START_MARKER}\nold\n${END_MARKER}\noutro\n`);
    expect(updateDocument(file, 'new')).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(`intro\n${START_MARKER}\nnew\n${END_MARKER}\noutro\n`);
  });

  it('leaves a document without markers alone', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bench-report-')), 'doc.md');
    writeFileSync(file, 'no markers\n');
    expect(updateDocument(file, 'new')).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('no markers\n');
    expect(updateDocument(join(file, 'missing.md'), 'new')).toBe(false);
  });
});
