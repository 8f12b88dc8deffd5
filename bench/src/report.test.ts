import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { END_MARKER, markdownTable, renderResults, START_MARKER, updateDocument, type Results } from './report.ts';

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

describe('renderResults', () => {
  const base: Results = {
    generatedAt: '2026-12-03T08:00:00.000Z',
    durationS: 113,
    command: 'npm run bench -- --only=start,e2e',
    machine: {
      nproc: 2,
      cpuModel: 'test CPU',
      memoryGiB: 8,
      os: 'linux',
      node: 'v20',
      npm: '11',
      loadAverageAtStart: [1],
      loadAverageAtEnd: [2],
    },
    versions: { esbuild: '0.25.12' },
    targets: [{ description: 'warm npm start to its first 200 on :PORT, p50', target: '<= 2000 ms', actual: '864 ms', met: true }],
  };

  it('renders the start section beside sls offline alone', () => {
    // Act
    const markdown = renderResults({
      ...base,
      start: {
        runs: 5,
        ours: {
          freshFirst200Ms: 5478,
          warmFirst200Ms: 864,
          scriptFirst200Ms: 669,
          consumerReadyMs: 681,
          reloadHandlerMs: 327,
          reloadDataMs: 447,
        },
        slsOffline: { freshFirst200Ms: 4757, warmFirst200Ms: 4690, reload: 'none (useInProcess): new code needs a restart' },
        samples: {},
      },
    });

    // Assess
    expect(markdown).toContain('### 9. Start and reload');
    expect(markdown).toContain('| warm start to the first 200 (`npm start`), p50 of 5 | 864 | 4690 |');
    expect(markdown).toContain('| save to new code: packages/data, p50 of 5 | 447 | none (useInProcess): new code needs a restart |');
    expect(markdown).toContain('| warm npm start to its first 200 on :PORT, p50 | <= 2000 ms | 864 ms | met |');
  });

  it('renders the end-to-end section with sls offline alone as a column', () => {
    const load = (rps: number) => ({ tool: 'wrk', requests: rps * 5, rps, p50: 1, p99: 5, errors: 0 });
    const markdown = renderResults({
      ...base,
      endToEnd: {
        tool: 'wrk',
        durationS: 5,
        figures: [
          {
            route: 'read',
            request: 'GET /projects/{projectId}',
            connections: 10,
            stack: load(1379),
            slsOffline: load(771),
            plain: load(1714),
            ratio: 0.805,
            met: true,
          },
        ],
      },
    });
    expect(markdown).toContain('| GET /projects/{projectId} | 10 | 1379 | 1 / 5 | 771 | 1714 | 1 / 5 | 0.805 | met |');
  });
});
