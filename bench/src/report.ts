// The results of a full run as Markdown, written into docs/benchmarks.md between its
// `<!-- bench:results:start -->` and `<!-- bench:results:end -->` markers, so that the document
// always shows the figures of bench/results.json.
import { readFileSync, writeFileSync } from 'node:fs';
import type { BundleFigure, Layout } from './bundle.ts';
import type { CapacityFigure } from './capacity.ts';
import type { ClientSizeFigure } from './client-size.ts';
import type { ColdFigure } from './cold-start.ts';
import type { DataFigure } from './data-layer.ts';
import type { E2EFigure } from './e2e.ts';
import type { OverheadFigure } from './overhead.ts';
import { kb } from './stats.ts';
import type { StartFigures } from './start.ts';
import type { LagFigure } from './stream-lag.ts';

export const START_MARKER = '<!-- bench:results:start -->';
export const END_MARKER = '<!-- bench:results:end -->';

type Cell = string | number | null | undefined;

/** A Markdown table: the first row is the header; columns after the first are right-aligned. */
export function markdownTable(rows: readonly (readonly Cell[])[]): string {
  const text = (cell: Cell) => (cell === null || cell === undefined ? '–' : String(cell).replace(/\|/g, '\\|'));
  const [header, ...body] = rows;
  if (!header) return '';
  return [
    `| ${header.map(text).join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...body.map((row) => `| ${row.map(text).join(' | ')} |`),
  ].join('\n');
}

const yes = (met: boolean | null | undefined) => (met === null || met === undefined ? 'n/a' : met ? 'met' : '**missed**');

export interface Results {
  generatedAt: string;
  durationS: number;
  command: string;
  machine: Record<string, unknown>;
  versions: Record<string, string | null>;
  targets: { description: string; target: string; actual: string; met: boolean | null }[];
  bundle?: {
    layouts: Record<Layout, { api: Record<string, Omit<BundleFigure, 'path'>>; baseline: Record<string, Omit<BundleFigure, 'path'>> }>;
  };
  coldStart?: Partial<Record<Layout, ColdFigure[]>>;
  perRequest?: { figures: OverheadFigure[] };
  endToEnd?: { tool: string; durationS: number; figures: E2EFigure[] };
  dataLayer?: DataFigure[];
  streamLag?: { figures: LagFigure[] };
  capacity?: { itemsAtSize: Record<string, number>; figures: CapacityFigure[] };
  clientSize?: { figures: ClientSizeFigure[] };
  start?: StartFigures;
}

export function renderResults(r: Results): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(
    `Run of ${r.generatedAt.slice(0, 16).replace('T', ' ')} UTC (\`${r.command}\`, ${Math.round(r.durationS)} s) on ${m.nproc} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, npm ${m.npm}; ` +
      `load average ${(m.loadAverageAtStart as number[])?.[0]} at the start, ${(m.loadAverageAtEnd as number[])?.[0]} at the end.`,
  );
  out.push(
    '',
    markdownTable([['target', 'goal', 'measured', ''], ...r.targets.map((t) => [t.description, t.target, t.actual, yes(t.met)])]),
  );
  out.push(
    '',
    `Versions: ${Object.entries(r.versions)
      .map(([k, v]) => `${k} ${v ?? '(absent)'}`)
      .join(', ')}.`,
  );

  if (r.bundle) {
    const deploy = r.bundle.layouts.deploy;
    const external = r.bundle.layouts.sdkExternal;
    const rows: Cell[][] = [['function', 'minified', 'gzip', 'zip (with map)', 'content served', 'SDK external', 'largest contributors']];
    for (const [name, f] of Object.entries(deploy.api)) {
      rows.push([
        name,
        kb(f.bytes),
        kb(f.gzipBytes),
        kb(f.zipBytes),
        f.assetBytes ? kb(f.assetBytes) : '',
        kb(external?.api[name]?.bytes ?? Number.NaN),
        f.topPackages
          .slice(0, 3)
          .map((c) => `${c.name} ${kb(c.bytes)}`)
          .join(', '),
      ]);
    }
    const base = deploy.baseline['projects-get'];
    if (base)
      rows.push([
        'hand-written projects-get',
        kb(base.bytes),
        kb(base.gzipBytes),
        kb(base.zipBytes),
        '',
        kb(external?.baseline['projects-get']?.bytes ?? Number.NaN),
        base.topPackages
          .slice(0, 3)
          .map((c) => `${c.name} ${kb(c.bytes)}`)
          .join(', '),
      ]);
    out.push('', '### 1. Bundle', '', markdownTable(rows));
  }

  if (r.coldStart) {
    for (const [layout, figures] of Object.entries(r.coldStart) as [Layout, ColdFigure[] | undefined][]) {
      if (!Array.isArray(figures)) continue;
      const rows: Cell[][] = [
        [
          'function',
          'init ms',
          'first event ms',
          'total ms',
          'hand-written total ms',
          'ratio',
          'CPU ratio',
          'with Node start ms (ours / hand-written)',
          'compilations',
          '',
        ],
      ];
      for (const f of figures)
        rows.push([
          f.functionName,
          f.ours.initMs,
          f.ours.firstEventMs,
          f.ours.totalMs,
          f.handWritten.totalMs,
          f.ratio,
          f.cpuRatio,
          `${f.ours.wallMs} / ${f.handWritten.wallMs}`,
          f.ours.codegenCalls,
          yes(f.met),
        ]);
      out.push(
        '',
        `### 2. Cold start, ${layout === 'deploy' ? 'as deployed (SDK bundled)' : 'SDK external (loaded from node_modules)'}`,
        '',
        markdownTable(rows),
      );
    }
  }

  if (r.perRequest) {
    const rows: Cell[][] = [
      ['function', 'p50 µs', 'p99 µs', 'hand-written p50', 'hand-written p99', 'overhead p50', 'warming up: ours / hand-written p50', ''],
    ];
    for (const f of r.perRequest.figures)
      rows.push([
        f.functionName,
        f.ours.p50,
        f.ours.p99,
        f.handWritten.p50,
        f.handWritten.p99,
        f.overheadP50,
        `${f.warmingUp.oursP50} / ${f.warmingUp.handWrittenP50}`,
        yes(f.met),
      ]);
    out.push('', '### 3. Per-request overhead', '', markdownTable(rows));
  }

  if (r.endToEnd) {
    const rows: Cell[][] = [
      [
        'route',
        'connections',
        'stack req/s',
        'stack p50 / p99 ms',
        'sls offline alone req/s',
        'plain req/s',
        'plain p50 / p99 ms',
        'ratio',
        '',
      ],
    ];
    for (const f of r.endToEnd.figures)
      rows.push([
        f.request,
        f.connections,
        f.stack.rps,
        `${f.stack.p50} / ${f.stack.p99}`,
        f.slsOffline.rps,
        f.plain.rps,
        `${f.plain.p50} / ${f.plain.p99}`,
        f.ratio,
        yes(f.met),
      ]);
    out.push('', `### 4. End to end (${r.endToEnd.tool}, ${r.endToEnd.durationS} s per run)`, '', markdownTable(rows));
  }

  if (r.dataLayer) {
    const rows: Cell[][] = [['operation', 'in flight', 'repository ops/s', 'raw ops/s', 'ratio', 'repository p50 ms', 'raw p50 ms']];
    for (const f of r.dataLayer)
      rows.push([f.operation, f.concurrency, f.repository.opsPerSecond, f.raw.opsPerSecond, f.ratio, f.repository.p50Ms, f.raw.p50Ms]);
    out.push('', '### 5. Data layer', '', markdownTable(rows));
  }

  if (r.streamLag) {
    const rows: Cell[][] = [['mapping', 'batch window s', 'writes', 'delivered', 'p50 ms', 'p99 ms', 'max ms', 'handler p50 ms', '']];
    for (const f of r.streamLag.figures)
      rows.push([
        f.scenario === 'runner' ? 'runner (window 0)' : 'as configured',
        f.batchWindowSeconds,
        f.writes,
        f.delivered,
        f.p50Ms,
        f.p99Ms,
        f.maxMs,
        f.handlerP50Ms,
        f.met === null ? 'by design' : yes(f.met),
      ]);
    out.push('', '### 6. Stream lag', '', markdownTable(rows));
  }

  if (r.capacity) {
    const sizes = Object.keys(r.capacity.itemsAtSize);
    const rows: Cell[][] = [
      [
        'function',
        ...sizes.flatMap((s) => [`RCU, ${Number(s).toLocaleString('en')} items`, `WCU, ${Number(s).toLocaleString('en')} items`]),
        'DynamoDB calls',
        '+ gsi1 WCU on AWS',
        '',
      ],
    ];
    for (const f of r.capacity.figures)
      rows.push([
        f.functionName,
        ...sizes.flatMap((s) => [f.bySize[s]?.read, f.bySize[s]?.write]),
        f.bySize[sizes[0]!]?.calls,
        f.gsiWriteUnitsNotReported,
        f.same ? 'same' : '**differs**',
      ]);
    out.push('', '### 7. Capacity per request', '', markdownTable(rows));
  }

  if (r.clientSize) {
    const rows: Cell[][] = [['bundle (esbuild, ESM, minified)', 'raw', 'gzip']];
    for (const f of r.clientSize.figures) rows.push([f.name, kb(f.bytes), kb(f.gzipBytes)]);
    out.push('', '### 8. Client size', '', markdownTable(rows));
  }

  if (r.start) {
    const { ours, slsOffline, runs } = r.start;
    const rows: Cell[][] = [
      ['', 'ours ms', '`sls offline` alone ms'],
      ['first start on a fresh build, to the first 200 (`npm start`)', ours.freshFirst200Ms, slsOffline.freshFirst200Ms],
      [`warm start to the first 200 (\`npm start\`), p50 of ${runs}`, ours.warmFirst200Ms, slsOffline.warmFirst200Ms],
      ['scripts/start.ts alone: first 200, p50', ours.scriptFirst200Ms, ''],
      ['scripts/start.ts alone: stream consumer ready, p50', ours.consumerReadyMs, ''],
      [`save to new code: a handler, p50 of ${runs}`, ours.reloadHandlerMs, slsOffline.reload],
      [`save to new code: packages/data, p50 of ${runs}`, ours.reloadDataMs, slsOffline.reload],
    ];
    out.push('', '### 9. Start and reload', '', markdownTable(rows));
  }
  return out.join('\n');
}

/** Replaces what is between the markers of `file` with `markdown`; false when the markers are missing. */
export function updateDocument(file: string, markdown: string): boolean {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  const start = text.indexOf(START_MARKER);
  const end = text.indexOf(END_MARKER);
  if (start < 0 || end < start) return false;
  writeFileSync(file, `${text.slice(0, start + START_MARKER.length)}\n${markdown}\n${text.slice(end)}`);
  return true;
}
