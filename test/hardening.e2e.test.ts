// The API contract and its hardening, over HTTP on the stack npm start runs (or a deployed
// stage: npm run test:e2e): the docs page in a real browser, a hostile request list,
// concurrent writers, concurrent idempotent creates and CORS. Every response here is also
// checked against the OpenAPI document (support/contract-setup.ts).
import { keyOf, projectEntity } from '@app/data';
import { ROUTES } from '@app/schema';
import { chromium, type Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { httpCaller, type Call, type CallOptions } from '@app/testing';
import { openApiDocument } from './support/contract.js';
import { expectProblem } from './support/problems.js';
import { httpTargetForSuite } from './support/target.js';

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

const target = httpTargetForSuite('hardening', 'hardening');
let token: string;
let call: Call;
beforeAll(() => {
  token = target.current.token;
  call = httpCaller(target.current.baseUrl, token);
});

describe('the API reference', () => {
  it('serves the generated OpenAPI document without a token', async () => {
    // Act
    const reply = await call('GET', '/openapi.json', { token: null });

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
      await page.goto(`${target.current.baseUrl}/docs`);
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
      expect([...origins]).toEqual([new URL(target.current.baseUrl).origin]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

/** What a hostile request may aim at: a project of the caller's, a valid list cursor, the caller's token. */
interface Target {
  /** The project's path. */
  p: string;
  id: string;
  cursor: string;
  token: string;
}
type HostileRequest = (target: Target) => [method: string, path: string, options?: CallOptions];
/** Accepted (2xx or 3xx: the request is valid after all) or refused (a 4xx problem). */
type Outcome = 'accepted' | 'refused';

const ct = (type: string) => ({ 'content-type': type });
// What fetch sends as the content type of a string body when the request names none.
const FETCH_DEFAULT_TYPE = 'text/plain;charset=UTF-8';
const deep = '['.repeat(20_000) + ']'.repeat(20_000);
const manyKeys = JSON.stringify(Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`k${i}`, i])));
const notUtf8 = Uint8Array.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);

// What is accepted is only what is valid: a NUL or an RTL override is text like any other,
// bytes that are not UTF-8 reach the function already decoded (as U+FFFD) by the HTTP front,
// odd headers the API does not read are ignored. A well-formed entity tag the API never issued
// is compared like any other (412), and only a malformed If-Match or If-None-Match is a 400.
// (`raw` bodies go as application/json unless the case names another type.)
const HOSTILE_REQUESTS: [string, Outcome, HostileRequest][] = [
  // malformed, truncated and odd JSON
  ['truncated JSON', 'refused', () => ['POST', '/projects', { raw: '{"name":' }]],
  ['JSON with trailing garbage', 'refused', () => ['POST', '/projects', { raw: '{"name": "x"}}' }]],
  ['an empty JSON body', 'refused', () => ['POST', '/projects', { raw: '' }]],
  ['a JSON null', 'refused', () => ['POST', '/projects', { raw: 'null' }]],
  ['a JSON array', 'refused', () => ['POST', '/projects', { raw: '[{"name":"x"}]' }]],
  ['a duplicated key', 'refused', () => ['POST', '/projects', { raw: '{"name":"x","name":{"nested":true}}' }]],
  [
    'single-quoted merge patch',
    'refused',
    ({ p }) => ['PATCH', p, { raw: "{'name': 'single quotes'}", headers: ct('application/merge-patch+json') }],
  ],
  // wrong content types
  ['a form', 'refused', () => ['POST', '/projects', { raw: 'name=x', headers: ct('application/x-www-form-urlencoded') }]],
  ['JSON sent as text/plain', 'refused', () => ['POST', '/projects', { raw: '{"name":"x"}', headers: ct('text/plain') }]],
  ['multipart', 'refused', () => ['POST', '/projects', { raw: '--b\r\n\r\nx\r\n--b--', headers: ct('multipart/form-data; boundary=b') }]],
  ["JSON sent with fetch's default type", 'refused', () => ['POST', '/projects', { raw: '{"name":"x"}', headers: ct(FETCH_DEFAULT_TYPE) }]],
  ['JSON sent without a content type', 'refused', () => ['POST', '/projects', { raw: '{"name":"x"}', headers: { 'content-type': null } }]],
  ['XML', 'refused', ({ p }) => ['POST', `${p}/tasks`, { raw: '<task/>', headers: ct('application/xml') }]],
  // very large and deeply nested bodies
  ['a 200 kB description', 'refused', () => ['POST', '/projects', { body: { name: 'big', description: 'x'.repeat(200_000) } }]],
  ['arrays nested 20,000 deep', 'refused', () => ['POST', '/projects', { raw: deep }]],
  ['3,000 keys', 'refused', () => ['POST', '/projects', { raw: manyKeys }]],
  ['objects nested 5,000 deep', 'refused', ({ p }) => ['PATCH', p, { raw: '{"description":'.repeat(5_000) + '""' + '}'.repeat(5_000) }]],
  // prototype keys
  ['a __proto__ key', 'refused', () => ['POST', '/projects', { raw: '{"__proto__":{"isAdmin":true},"name":"proto"}' }]],
  [
    'a constructor.prototype key',
    'refused',
    ({ p }) => ['POST', `${p}/tasks`, { raw: '{"constructor":{"prototype":{"polluted":true}},"title":"t"}' }],
  ],
  ['a __proto__ patch', 'refused', ({ p }) => ['PATCH', p, { raw: '{"__proto__":null}' }]],
  // unicode edge cases
  ['a lone surrogate', 'refused', () => ['POST', '/projects', { raw: '{"name":"\\ud800"}' }]],
  ['a NUL in a name', 'accepted', () => ['POST', '/projects', { raw: '{"name":"a\\u0000b"}' }]],
  [
    'an RTL override and odd characters',
    'accepted',
    () => ['POST', '/projects', { body: { name: '\u202eevil\u202c', description: 'ﷺ𝒳\ufeff' } }],
  ],
  ['bytes that are not UTF-8', 'accepted', () => ['POST', '/projects', { raw: notUtf8 }]],
  ['a lone surrogate key', 'refused', () => ['POST', '/projects', { body: { ['\ud83d']: 'lone surrogate key', name: 'x' } }]],
  // wrong types and unknown or server-managed fields
  ['a number for a name', 'refused', () => ['POST', '/projects', { body: { name: 123 } }]],
  ['an array and an object for strings', 'refused', () => ['POST', '/projects', { body: { name: ['x'], description: { a: 1 } } }]],
  [
    'an unknown status and a day that does not exist',
    'refused',
    ({ p }) => ['POST', `${p}/tasks`, { body: { title: 't', status: 'blocked', dueDate: '2026-02-30' } }],
  ],
  [
    'server-managed task fields',
    'refused',
    ({ p }) => [
      'POST',
      `${p}/tasks`,
      { body: { title: 't', id: 'mine', projectId: 'other', pk: keyOf(projectEntity, { tenantId: 'other', projectId: 'x' }).pk } },
    ],
  ],
  ['an empty patch', 'refused', ({ p }) => ['PATCH', p, { body: {} }]],
  ['a patch of server-managed fields', 'refused', ({ p }) => ['PATCH', p, { body: { version: 99, taskCounts: { total: -1 } } }]],
  // hostile ids and path segments
  ['a path traversal', 'refused', () => ['GET', '/projects/..%2F..%2Fetc%2Fpasswd']],
  ['a NUL id', 'refused', () => ['GET', '/projects/%00']],
  ['an SQL injection', 'refused', () => ['GET', "/projects/'%20OR%20'1'='1"]],
  ['a key of another tenant', 'refused', () => ['GET', '/projects/TENANT%23tenant%253Aother%23PROJECT%23x']],
  ['a 2,000-character id', 'refused', () => ['GET', `/projects/${'a'.repeat(2_000)}`]],
  ['an id in upper case', 'refused', ({ id }) => ['GET', `/projects/${id.toUpperCase()}`]],
  ['an RTL override for a task id', 'refused', ({ p }) => ['GET', `${p}/tasks/%E2%80%AE`]],
  // (Not '%ZZ': a malformed percent-encoding is refused by the HTTP front, before any function.)
  ['a path in upper case', 'refused', () => ['GET', '/PROJECTS']],
  ['a path too deep', 'refused', () => ['GET', '/projects/x/y/z/w']],
  ['a path that does not exist', 'refused', () => ['GET', '/admin']],
  ['a PUT', 'refused', ({ p }) => ['PUT', p, { body: { name: 'put' } }]],
  ['a POST to an item', 'refused', ({ p }) => ['POST', p, { body: { name: 'post to an item' } }]],
  // forged cursors and odd or repeated query parameters
  ['a cursor with a byte more', 'refused', ({ cursor }) => ['GET', `/projects?cursor=${encodeURIComponent(`${cursor}x`)}`]],
  [
    'a cursor with a byte changed',
    'refused',
    ({ cursor }) => ['GET', `/projects?cursor=${encodeURIComponent(cursor.replace(/^./, (c) => (c === 'e' ? 'f' : 'e')))}`],
  ],
  ['a 5,000-character cursor', 'refused', () => ['GET', `/projects?cursor=${'A'.repeat(5_000)}`]],
  ["a projects cursor for a project's tasks", 'refused', ({ p, cursor }) => ['GET', `${p}/tasks?cursor=${encodeURIComponent(cursor)}`]],
  ['a repeated limit', 'refused', () => ['GET', '/projects?limit=1&limit=2']],
  ['an array limit', 'refused', () => ['GET', '/projects?limit[]=1']],
  ['prototype keys in the query', 'refused', () => ['GET', '/projects?__proto__=x&constructor=y']],
  ['a NUL limit', 'refused', () => ['GET', '/projects?limit=%00']],
  ['a repeated status', 'refused', ({ p }) => ['GET', `${p}/tasks?status=open&status=done`]],
  ['an empty cursor', 'refused', () => ['GET', '/projects?cursor=']],
  ['an empty query', 'refused', () => ['GET', '/projects?=&&&=x']],
  ['a 3,000-character query parameter', 'refused', () => ['GET', `/projects?${'x'.repeat(3_000)}=1`]],
  // abusive headers
  [
    'an If-Match of 200 ETags',
    'refused',
    ({ p }) => ['PATCH', p, { body: { name: 'x' }, headers: { 'if-match': Array.from({ length: 200 }, (_, i) => `"${i}"`).join(', ') } }],
  ],
  [
    'an If-Match of a huge version',
    'refused',
    ({ p }) => ['PATCH', p, { body: { name: 'x' }, headers: { 'if-match': '"99999999999999999999999"' } }],
  ],
  ['a garbled If-None-Match', 'refused', ({ p }) => ['GET', p, { headers: { 'if-none-match': 'W/"x", *, "", garbage' } }]],
  ['an If-Match of a bare W/', 'refused', ({ p }) => ['DELETE', p, { headers: { 'if-match': 'W/' } }]],
  [
    'a 300-character Idempotency-Key',
    'refused',
    () => ['POST', '/projects', { body: { name: 'x' }, headers: { 'idempotency-key': 'k'.repeat(300) } }],
  ],
  ['an Idempotency-Key list', 'refused', () => ['POST', '/projects', { body: { name: 'x' }, headers: { 'idempotency-key': 'a, b' } }]],
  ['a 6,000-character header', 'accepted', () => ['GET', '/projects', { headers: { 'x-filler': 'v'.repeat(6_000) } }]],
  [
    '60 extra headers',
    'accepted',
    () => ['GET', '/projects', { headers: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`x-h${i}`, `${i}`])) }],
  ],
  [
    'forged forwarding, trace and host headers',
    'accepted',
    () => ['GET', '/projects', { headers: { 'x-forwarded-for': '127.0.0.1', 'x-amzn-trace-id': 'Root=forged', host: 'evil.example' } }],
  ],
  // authorization
  ['a token that is not a JWT', 'refused', () => ['GET', '/projects', { token: 'not.a.jwt' }]],
  ['Basic authentication', 'refused', () => ['GET', '/projects', { token: null, headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } }]],
  ['a token with a byte more', 'refused', ({ token }) => ['GET', '/projects', { token: `${token}x` }]],
];

describe('a hostile request list', () => {
  let target: Target;
  beforeAll(async () => {
    const project = await call('POST', '/projects', { body: { name: 'target' } });
    expect(project.status).toBe(201);
    expect((await call('POST', '/projects', { body: { name: 'second' } })).status).toBe(201);
    const cursor = (await call('GET', '/projects?limit=1')).body.nextCursor as string;
    target = { p: `/projects/${project.body.id}`, id: project.body.id, cursor, token };
  });

  it.each(HOSTILE_REQUESTS)('%s is %s, with no 5xx and no internal detail', async (_, outcome, request) => {
    // Act
    const [method, path, options] = request(target);
    const reply = await call(method, path, options);

    // Assess
    expect(reply.status).toBeLessThan(500);
    expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    if (outcome === 'accepted') {
      expect(reply.status).toBeLessThan(400);
    } else {
      expect(reply.status).toBeGreaterThanOrEqual(400);
      expectProblem(reply, reply.status);
    }
  });
});

describe('concurrency over HTTP', () => {
  it('20 concurrent If-Match writers of one version: exactly one 200', async () => {
    // Prepare
    const project = (await call('POST', '/projects', { body: { name: 'contended' } })).body as { id: string };

    // Act
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call('PATCH', `/projects/${project.id}`, { body: { name: `writer ${i}` }, headers: { 'if-match': '"1"' } }),
      ),
    );

    // Assess
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 412)).toHaveLength(19);
    expect((await call('GET', `/projects/${project.id}`)).body).toMatchObject({ version: 2 });
  });

  it('10 concurrent creates with one Idempotency-Key make one resource', async () => {
    // Prepare: a name and a key of this run's own, so that the tenant's list tells what it made
    const run = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const name = `once ${run}`;
    const create = () => call('POST', '/projects', { body: { name }, headers: { 'idempotency-key': `e2e-burst-${run}` } });

    // Act
    const replies = await Promise.all(Array.from({ length: 10 }, create));
    const retry = await create();

    // Assess
    expect(replies.filter((reply) => reply.status !== 201 && reply.status !== 409).map((reply) => reply.text)).toEqual([]);
    const made = (await allProjects()).filter((project) => project.name === name);
    expect(made).toHaveLength(1);
    for (const reply of replies.filter((r) => r.status === 409)) expect(reply.headers.get('retry-after')).toBe('1');
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.id).toBe(made[0]!.id);
  });
});

/** Every project of the caller's tenant, page after page. */
async function allProjects(): Promise<{ id: string; name: string }[]> {
  const projects: { id: string; name: string }[] = [];
  let cursor: string | null = null;
  do {
    const page = await call('GET', `/projects?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.status).toBe(200);
    projects.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return projects;
}

describe('CORS', () => {
  // An origin that the local stage and dev allow (corsOrigins in services/api/serverless.yml);
  // E2E_CORS_ORIGIN names another for a stage that does not allow it.
  const ALLOWED_ORIGIN = process.env.E2E_CORS_ORIGIN ?? 'http://localhost:5173';
  const preflight = (origin: string) =>
    call('OPTIONS', '/projects/x', {
      token: null,
      headers: {
        origin,
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'authorization,content-type,if-match,idempotency-key',
      },
    });

  it("allows the stage's origin with the API's request headers", async () => {
    // Act
    const allowed = await preflight(ALLOWED_ORIGIN);

    // Assess
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toMatch(
      /if-match.*idempotency-key|idempotency-key.*if-match/,
    );
  });

  it('allows no other origin', async () => {
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it("exposes the API's response headers to the stage's origin", async () => {
    const read = await call('GET', '/projects', { headers: { origin: ALLOWED_ORIGIN } });

    expect(read.headers.get('access-control-expose-headers')?.toLowerCase()).toMatch(/etag/);
  });
});
