import { describe, expect, it } from '@jest/globals';
import { stageThrottleSettings, Throttle, ThrottleSettingsError } from './throttle.js';

/** A clock a test moves by hand, in milliseconds. */
function manualClock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('Throttle', () => {
  it('admits a burst of `burst` requests at once and refuses the next', () => {
    // Prepare
    const clock = manualClock();
    const throttle = new Throttle({ default: { rate: 2, burst: 3 } }, clock.now);

    // Act
    const answers = [1, 2, 3, 4].map(() => throttle.admit('GET /projects'));

    // Assess
    expect(answers).toEqual([undefined, undefined, undefined, 1]);
  });

  it('refills at `rate` tokens a second', () => {
    // Prepare: the bucket emptied
    const clock = manualClock();
    const throttle = new Throttle({ default: { rate: 2, burst: 2 } }, clock.now);
    throttle.admit('GET /projects');
    throttle.admit('GET /projects');

    // Act: half a second later, one token has come back, not two
    clock.advance(500);
    const answers = [throttle.admit('GET /projects'), throttle.admit('GET /projects')];

    // Assess
    expect(answers).toEqual([undefined, 1]);
  });

  it('never holds more than `burst` tokens after a long idle time', () => {
    const clock = manualClock();
    const throttle = new Throttle({ default: { rate: 100, burst: 2 } }, clock.now);

    clock.advance(60_000);
    const answers = [1, 2, 3].map(() => throttle.admit('GET /projects'));

    expect(answers).toEqual([undefined, undefined, 1]);
  });

  it('says how many whole seconds until a token comes back (Retry-After)', () => {
    // Prepare: one token a minute, none left
    const clock = manualClock();
    const throttle = new Throttle({ default: { rate: 1 / 60, burst: 1 } }, clock.now);
    throttle.admit('GET /projects');
    clock.advance(20_000);

    // Act
    const wait = throttle.admit('GET /projects');

    // Assess: 40 s of the minute are left
    expect(wait).toBe(40);
  });

  it('keeps one bucket per route, so that one busy route does not refuse another', () => {
    const throttle = new Throttle({ default: { rate: 1, burst: 1 } }, manualClock().now);
    throttle.admit('GET /projects');

    expect([throttle.admit('GET /projects'), throttle.admit('GET /projects/{projectId}')]).toEqual([1, undefined]);
  });

  it("applies a route's own limit in place of the stage's", () => {
    const throttle = new Throttle(
      { default: { rate: 10, burst: 5 }, routes: { 'POST /projects': { rate: 1, burst: 1 } } },
      manualClock().now,
    );

    expect([throttle.admit('POST /projects'), throttle.admit('POST /projects'), throttle.limitOf('GET /projects')]).toEqual([
      undefined,
      1,
      { rate: 10, burst: 5 },
    ]);
  });

  it.each([
    ['a rate of 0', { rate: 0, burst: 1 }],
    ['a burst of 0', { rate: 1, burst: 0 }],
    ['a fractional burst', { rate: 1, burst: 1.5 }],
    ['a missing rate', { burst: 1 }],
  ])('refuses %s, naming where it is', (_case, limit) => {
    expect(() => new Throttle({ default: { rate: 1, burst: 1 }, routes: { 'POST /projects': limit as never } })).toThrow(
      new ThrottleSettingsError(
        `POST /projects: rate must be a number above 0 and burst a whole number of at least 1 (got ${JSON.stringify(limit)})`,
      ),
    );
  });
});

describe('stageThrottleSettings', () => {
  it('gives the write limit to the routes whose method writes, and the stage limit to the rest', () => {
    const settings = stageThrottleSettings(
      { rate: 50, burst: 100, writes: { rate: 10, burst: 20, methods: ['POST', 'PATCH', 'DELETE'] } },
      ['GET /projects', 'POST /projects', 'PATCH /projects/{projectId}', 'DELETE /projects/{projectId}', '$default'],
    );

    expect(settings).toEqual({
      default: { rate: 50, burst: 100 },
      routes: {
        'POST /projects': { rate: 10, burst: 20 },
        'PATCH /projects/{projectId}': { rate: 10, burst: 20 },
        'DELETE /projects/{projectId}': { rate: 10, burst: 20 },
      },
    });
  });

  it('gives every route the stage limit when no write limit is configured', () => {
    expect(stageThrottleSettings({ rate: 5, burst: 5 }, ['POST /projects'])).toEqual({ default: { rate: 5, burst: 5 }, routes: {} });
  });
});
