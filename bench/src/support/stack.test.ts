import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '@app/testing';
import { firstAnswer } from './stack.ts';

describe('firstAnswer', () => {
  let port: number;
  let calls = 0;
  const server = createServer((_, res) => {
    calls++;
    res.writeHead(calls < 3 ? 503 : 200).end(calls < 3 ? 'not yet' : 'ready');
  });
  beforeAll(async () => {
    port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('polls until an answer is accepted, and says when', async () => {
    const before = performance.now();
    const at = await firstAnswer(`http://127.0.0.1:${port}/`, (status, body) => status === 200 && body === 'ready', {
      timeoutMs: 5_000,
      intervalMs: 5,
    });
    expect(calls).toBe(3);
    expect(at).toBeGreaterThan(before);
  });

  it('gives up after its timeout, refused connections included', async () => {
    const closed = await freePort();
    await expect(firstAnswer(`http://127.0.0.1:${closed}/`, () => true, { timeoutMs: 100, intervalMs: 10 })).rejects.toThrow(
      /no accepted answer/,
    );
  });
});
