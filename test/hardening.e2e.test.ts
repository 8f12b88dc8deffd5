// The API contract and its hardening, over HTTP on the stack npm start runs: the docs page in
// a real browser, a hostile request list, concurrent writers, concurrent idempotent creates
// and CORS. Every response here is also checked against the OpenAPI document
// (support/contract-setup.ts).
import { ROUTES } from '@app/schema';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from './support/contract.js';
import { startStack, type Stack } from './support/stack.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let stack: Stack;
let token: string;
beforeAll(async () => {
  stack = await startStack();
  token = await stack.token('hardening', { tenant: 'hardening' });
});
afterAll(async () => {
  expect(await stack?.stop()).toBe(0);
});

interface Reply {
  status: number;
  headers: Headers;
  text: string;
}
async function call(
  method: string,
  path: string,
  options: { body?: string | Buffer; headers?: Record<string, string>; auth?: string | null } = {},
): Promise<Reply> {
  const auth = options.auth === undefined ? token : options.auth;
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: { ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...options.headers },
    body: options.body,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}
const json = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('the API reference', () => {
  it('serves the generated OpenAPI document without a token', async () => {
    // Act
    const reply = await call('GET', '/openapi.json', { auth: null });

    // Assess
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toEqual(openApiDocument);
  });

  it('renders every route in a real browser, from its own origin only', async () => {
    // Prepare
    const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const origins = new Set<string>();
      const consoleErrors: string[] = [];
      page.on('request', (request) => void origins.add(new URL(request.url()).origin));
      page.on('console', (message) => void (message.type() === 'error' && consoleErrors.push(message.text())));

      // Act
      await page.goto(`${stack.baseUrl}/docs`);
      await page
        .locator('.opblock')
        .nth(ROUTES.length - 1)
        .waitFor({ timeout: 30_000 });
      const rendered = await page.$$eval('.opblock', (blocks) =>
        blocks.map(
          (block) =>
            `${block.querySelector('.opblock-summary-method')?.textContent?.toLowerCase()} ${block.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`,
        ),
      );
      const title = await page.textContent('.info .title');
      await page.screenshot({ path: `${process.env.TMPDIR ?? '/tmp'}/docs-page.png`, fullPage: true });

      // Assess
      expect(rendered.sort()).toEqual(ROUTES.map((route) => `${route.method} ${route.path}`).sort());
      expect(title).toContain('Projects and tasks API');
      expect([...origins]).toEqual([stack.baseUrl]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('a hostile request list', () => {
  it('gets no 5xx, only problem+json errors and no internal detail', async () => {
    // Prepare
    const project = JSON.parse((await call('POST', '/projects', json({ name: 'target' }))).text) as { id: string };
    await call('POST', '/projects', json({ name: 'second' }));
    const cursor = JSON.parse((await call('GET', '/projects?limit=1')).text).nextCursor as string;
    const p = `/projects/${project.id}`;
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const manyKeys = JSON.stringify(Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`k${i}`, i])));
    const ct = (type: string) => ({ 'content-type': type });
    const requests: [string, string, { body?: string | Buffer; headers?: Record<string, string>; auth?: string | null }?][] = [
      // malformed, truncated and odd JSON
      ['POST', '/projects', { body: '{"name":', headers: ct('application/json') }],
      ['POST', '/projects', { body: '{"name": "x"}}', headers: ct('application/json') }],
      ['POST', '/projects', { body: '', headers: ct('application/json') }],
      ['POST', '/projects', { body: 'null', headers: ct('application/json') }],
      ['POST', '/projects', { body: '[{"name":"x"}]', headers: ct('application/json') }],
      ['POST', '/projects', { body: '{"name":"x","name":{"nested":true}}', headers: ct('application/json') }],
      ['PATCH', p, { body: "{'name': 'single quotes'}", headers: ct('application/merge-patch+json') }],
      // wrong content types
      ['POST', '/projects', { body: 'name=x', headers: ct('application/x-www-form-urlencoded') }],
      ['POST', '/projects', { body: '{"name":"x"}', headers: ct('text/plain') }],
      ['POST', '/projects', { body: '--b\r\n\r\nx\r\n--b--', headers: ct('multipart/form-data; boundary=b') }],
      ['POST', '/projects', { body: '{"name":"x"}' }],
      ['POST', `${p}/tasks`, { body: '<task/>', headers: ct('application/xml') }],
      // very large and deeply nested bodies
      ['POST', '/projects', json({ name: 'big', description: 'x'.repeat(200_000) })],
      ['POST', '/projects', { body: deep, headers: ct('application/json') }],
      ['POST', '/projects', { body: manyKeys, headers: ct('application/json') }],
      ['PATCH', p, { body: '{"description":'.repeat(5_000) + '""' + '}'.repeat(5_000), headers: ct('application/json') }],
      // prototype keys
      ['POST', '/projects', { body: '{"__proto__":{"isAdmin":true},"name":"proto"}', headers: ct('application/json') }],
      ['POST', `${p}/tasks`, { body: '{"constructor":{"prototype":{"polluted":true}},"title":"t"}', headers: ct('application/json') }],
      ['PATCH', p, { body: '{"__proto__":null}', headers: ct('application/json') }],
      // unicode edge cases
      ['POST', '/projects', { body: '{"name":"\\ud800"}', headers: ct('application/json') }],
      ['POST', '/projects', { body: '{"name":"a\\u0000b"}', headers: ct('application/json') }],
      ['POST', '/projects', json({ name: '\u202eevil\u202c', description: 'ﷺ𝒳\ufeff' })],
      [
        'POST',
        '/projects',
        {
          body: Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
          headers: ct('application/json'),
        },
      ],
      ['POST', '/projects', json({ ['\ud83d']: 'lone surrogate key', name: 'x' })],
      // wrong types and unknown or server-managed fields
      ['POST', '/projects', json({ name: 123 })],
      ['POST', '/projects', json({ name: ['x'], description: { a: 1 } })],
      ['POST', `${p}/tasks`, json({ title: 't', status: 'blocked', dueDate: '2026-02-30' })],
      ['POST', `${p}/tasks`, json({ title: 't', id: 'mine', projectId: 'other', pk: 'TENANT#other' })],
      ['PATCH', p, json({})],
      ['PATCH', p, json({ version: 99, taskCounts: { total: -1 } })],
      // hostile ids and path segments
      ['GET', '/projects/..%2F..%2Fetc%2Fpasswd'],
      ['GET', '/projects/%00'],
      ['GET', "/projects/'%20OR%20'1'='1"],
      ['GET', '/projects/TENANT%23tenant%253Aother%23PROJECT%23x'],
      ['GET', `/projects/${'a'.repeat(2_000)}`],
      ['GET', `/projects/${project.id.toUpperCase()}`],
      ['GET', `${p}/tasks/%E2%80%AE`],
      // (Not '%ZZ': a malformed percent-encoding is refused by the HTTP front, before any function.)
      ['GET', '/PROJECTS'],
      ['GET', '/projects/x/y/z/w'],
      ['GET', '/admin'],
      ['PUT', p, json({ name: 'put' })],
      ['POST', p, json({ name: 'post to an item' })],
      // forged cursors and odd or repeated query parameters
      ['GET', `/projects?cursor=${encodeURIComponent(`${cursor}x`)}`],
      ['GET', `/projects?cursor=${encodeURIComponent(cursor.replace(/^./, (c) => (c === 'e' ? 'f' : 'e')))}`],
      ['GET', `/projects?cursor=${'A'.repeat(5_000)}`],
      ['GET', `${p}/tasks?cursor=${encodeURIComponent(cursor)}`],
      ['GET', '/projects?limit=1&limit=2'],
      ['GET', '/projects?limit[]=1'],
      ['GET', '/projects?__proto__=x&constructor=y'],
      ['GET', '/projects?limit=%00'],
      ['GET', `${p}/tasks?status=open&status=done`],
      ['GET', '/projects?cursor='],
      ['GET', '/projects?=&&&=x'],
      ['GET', `/projects?${'x'.repeat(3_000)}=1`],
      // abusive headers
      [
        'PATCH',
        p,
        {
          ...json({ name: 'x' }),
          headers: { 'content-type': 'application/json', 'if-match': Array.from({ length: 200 }, (_, i) => `"${i}"`).join(', ') },
        },
      ],
      ['PATCH', p, { ...json({ name: 'x' }), headers: { 'content-type': 'application/json', 'if-match': '"99999999999999999999999"' } }],
      ['GET', p, { headers: { 'if-none-match': 'W/"x", *, "", garbage' } }],
      ['DELETE', p, { headers: { 'if-match': 'W/' } }],
      [
        'POST',
        '/projects',
        { ...json({ name: 'x' }), headers: { 'content-type': 'application/json', 'idempotency-key': 'k'.repeat(300) } },
      ],
      ['POST', '/projects', { ...json({ name: 'x' }), headers: { 'content-type': 'application/json', 'idempotency-key': 'a, b' } }],
      ['GET', '/projects', { headers: { 'x-filler': 'v'.repeat(6_000) } }],
      ['GET', '/projects', { headers: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`x-h${i}`, `${i}`])) }],
      ['GET', '/projects', { headers: { 'x-forwarded-for': '127.0.0.1', 'x-amzn-trace-id': 'Root=forged', host: 'evil.example' } }],
      // authorization
      ['GET', '/projects', { auth: 'not.a.jwt' }],
      ['GET', '/projects', { auth: null, headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } }],
      ['GET', '/projects', { auth: `${token}x` }],
    ];

    // Act
    const replies: [string, Reply][] = [];
    for (const [method, path, options] of requests) replies.push([`${method} ${path.slice(0, 80)}`, await call(method, path, options)]);

    // Assess
    const INTERNALS = /Exception|DynamoDB|dynalite|node_modules|\.m?[jt]s:\d+|\n\s+at |TENANT#|Serverless-offline|stack|hapi/i;
    for (const [label, reply] of replies) {
      expect(reply.status, label).toBeLessThan(500);
      expect(reply.headers.get('x-content-type-options'), label).toBe('nosniff');
      if (reply.status < 400) continue;
      expect(reply.headers.get('content-type'), label).toBe('application/problem+json');
      const problem = JSON.parse(reply.text) as { status: number; errors?: { pointer: string; message: string }[] };
      expect(problem.status, label).toBe(reply.status);
      expect(JSON.stringify({ ...problem, errors: problem.errors?.map((e) => e.message) }), label).not.toMatch(INTERNALS);
    }
    // What is accepted is only what is valid: a NUL or an RTL override is text like any other,
    // bytes that are not UTF-8 reach the function already decoded (as U+FFFD) by the HTTP front,
    // odd headers the API does not read are ignored, and a garbled If-None-Match just misses.
    const accepted = replies.filter(([, r]) => r.status < 400).map(([label]) => label);
    expect(accepted).toEqual([
      'POST /projects',
      'POST /projects',
      'POST /projects',
      `GET ${p}`,
      'GET /projects',
      'GET /projects',
      'GET /projects',
    ]);
  });
});

describe('concurrency over HTTP', () => {
  it('20 concurrent If-Match writers of one version: exactly one 200', async () => {
    // Prepare
    const project = JSON.parse((await call('POST', '/projects', json({ name: 'contended' }))).text) as { id: string };

    // Act
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call('PATCH', `/projects/${project.id}`, {
          body: JSON.stringify({ name: `writer ${i}` }),
          headers: { 'content-type': 'application/json', 'if-match': '"1"' },
        }),
      ),
    );

    // Assess
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 412)).toHaveLength(19);
    expect(JSON.parse((await call('GET', `/projects/${project.id}`)).text)).toMatchObject({ version: 2 });
  });

  it('10 concurrent creates with one Idempotency-Key make one resource', async () => {
    // Prepare: a tenant of its own, so its list holds only what this test makes
    const own = await stack.token('idem', { tenant: `idem-${Date.now()}` });
    const create = () =>
      call('POST', '/projects', {
        auth: own,
        body: JSON.stringify({ name: 'once' }),
        headers: { 'content-type': 'application/json', 'idempotency-key': 'e2e-burst-1' },
      });

    // Act
    const replies = await Promise.all(Array.from({ length: 10 }, create));
    const retry = await create();

    // Assess
    const list = JSON.parse((await call('GET', '/projects', { auth: own })).text) as { items: { id: string }[] };
    expect(list.items).toHaveLength(1);
    for (const reply of replies) expect([201, 409], reply.text).toContain(reply.status);
    for (const reply of replies.filter((r) => r.status === 409)) expect(reply.headers.get('retry-after')).toBe('1');
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(JSON.parse(retry.text).id).toBe(list.items[0]!.id);
  });
});

describe('CORS (local stage)', () => {
  it("allows the stage's origins with the API's headers, and no other origin", async () => {
    // Act
    const preflight = (origin: string) =>
      call('OPTIONS', '/projects/x', {
        auth: null,
        headers: {
          origin,
          'access-control-request-method': 'PATCH',
          'access-control-request-headers': 'authorization,content-type,if-match,idempotency-key',
        },
      });
    const allowed = await preflight('http://localhost:3000');
    const other = await preflight('https://evil.example');
    const read = await call('GET', '/projects', { headers: { origin: 'http://localhost:3000' } });

    // Assess
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toMatch(
      /if-match.*idempotency-key|idempotency-key.*if-match/,
    );
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(read.headers.get('access-control-expose-headers')?.toLowerCase()).toMatch(/etag/);
  });
});
