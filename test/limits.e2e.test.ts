// The stage's request limits on the stack npm start runs: its gateway enforces the figures of
// services/api/serverless.yml (custom.throttle, resolved for stage local) as API Gateway does on
// a deployed stage: a token bucket per route, the writing routes' tighter than the rest.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { httpCaller, type Call, type HttpReply } from '@app/testing';
import type { ThrottleSettings } from '@app/local-auth';
import { PROBLEM_TYPES } from '@app/schema';
import { expectProblem } from './support/problems.js';
import { stackForSuite } from './support/stack.js';

const stack = stackForSuite({ throttle: true });
let call: Call;
let limits: ThrottleSettings;
beforeAll(async () => {
  call = httpCaller(stack.current.baseUrl, await stack.current.token('limits', { tenant: 'limits' }));
  limits = stack.current.run.messages.find((m) => m.type === 'ready')!.throttle as ThrottleSettings;
});

describe('the local stage', () => {
  it('gives each writing route the write limit and the others the stage limit', () => {
    const writes = limits.routes!['POST /projects']!;

    expect(writes.burst).toBeLessThan(limits.default.burst);
    expect(Object.keys(limits.routes!).sort()).toEqual([
      'DELETE /projects/{projectId}',
      'DELETE /projects/{projectId}/tasks/{taskId}',
      'PATCH /projects/{projectId}',
      'PATCH /projects/{projectId}/tasks/{taskId}',
      'POST /projects',
      'POST /projects/{projectId}/tasks',
    ]);
  });
});

describe('a burst over the write limit', () => {
  let replies: HttpReply[];
  let elapsedSeconds: number;
  let readDuringBurst: HttpReply;
  beforeAll(async () => {
    // Act: twice the write burst at once, and a read of another route meanwhile
    const { burst } = limits.routes!['POST /projects']!;
    const started = performance.now();
    [replies, readDuringBurst] = await Promise.all([
      Promise.all(Array.from({ length: 2 * burst }, (_, i) => call('POST', '/projects', { body: { name: `burst ${i}` } }))),
      call('GET', '/projects?limit=1'),
    ]);
    elapsedSeconds = (performance.now() - started) / 1_000;
  });

  it('creates as many projects as the bucket holds (and what it refilled meanwhile), and refuses the rest with 429', () => {
    const { rate, burst } = limits.routes!['POST /projects']!;
    const created = replies.filter((reply) => reply.status === 201).length;
    const refused = replies.filter((reply) => reply.status === 429).length;

    expect(created + refused).toBe(replies.length);
    expect(created).toBeGreaterThanOrEqual(burst);
    expect(created).toBeLessThanOrEqual(burst + Math.ceil(rate * elapsedSeconds));
    expect(refused).toBeGreaterThan(0);
  });

  it('answers every refusal with problem+json and a Retry-After of whole seconds', () => {
    for (const reply of replies.filter((r) => r.status === 429)) {
      expectProblem(reply, 429, PROBLEM_TYPES.tooManyRequests.type);
      expect(Number(reply.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
  });

  it('leaves the other routes to their own limit', () => {
    expect(readDuringBurst.status).toBe(200);
  });

  it('takes a write again once Retry-After has passed, and kept exactly the projects it created', async () => {
    // Prepare
    const wait = Math.max(...replies.filter((r) => r.status === 429).map((r) => Number(r.headers.get('retry-after'))));
    await new Promise((resolve) => setTimeout(resolve, wait * 1_000));

    // Act
    const after = await call('POST', '/projects', { body: { name: 'after the burst' } });
    const listed = await call('GET', '/projects?limit=100');

    // Assess
    expect(after.status).toBe(201);
    const names = (listed.body.items as { name: string }[]).map((project) => project.name).sort();
    const createdNames = replies.filter((r) => r.status === 201).map((r) => r.body.name as string);
    expect(names).toEqual([...createdNames, 'after the burst'].sort());
  });
});
