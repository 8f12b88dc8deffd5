// npm run start:debug: a breakpoint set on a line of a handler's TypeScript source is hit when
// a request reaches it. Checked as a debugger does it, over the Chrome DevTools Protocol: attach
// to the inspector of scripts/start.ts, to the worker thread the functions run in
// (NodeWorker), map the .ts line to the bundle through its source map, set the breakpoint,
// send the request, and map the paused location back to the .ts file.
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { generatedPositionFor, originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import WebSocket from 'ws';
import { defaultBuildDir } from '@app/local-lambda';
import { freePort, httpCaller } from '@app/testing';
import { HOOK_TIMEOUT_MS, ROOT_DIR, startStack, type Stack } from './support/stack.js';

const HANDLER = join(ROOT_DIR, 'services/api/src/handlers/projects/get.ts');
/** The handler's `return` statement, which runs after the database read. */
const LINES = readFileSync(HANDLER, 'utf8').split('\n');
const LINE = LINES.findIndex((line) => /^\s+return /.test(line)) + 1;
const COLUMN = LINES[LINE - 1]!.indexOf('return');
const BUNDLE = join(defaultBuildDir(ROOT_DIR, join(ROOT_DIR, 'services/api')), 'getProject.mjs');

type CdpMessage = { id?: number; method?: string; params?: Record<string, any>; result?: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A minimal DevTools Protocol client: commands to the process or, through NodeWorker, to one of its workers. */
class Cdp {
  readonly #socket: WebSocket;
  #nextId = 1;
  readonly #replies = new Map<string, (message: CdpMessage) => void>();
  readonly events: { session?: string; message: CdpMessage }[] = [];
  readonly #waiters = new Set<() => void>();

  constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as CdpMessage;
      if (message.method === 'NodeWorker.receivedMessageFromWorker') {
        this.#receive(JSON.parse(message.params!.message as string) as CdpMessage, message.params!.sessionId as string);
      } else this.#receive(message);
    });
  }

  static async connect(url: string): Promise<Cdp> {
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return new Cdp(socket);
  }

  #receive(message: CdpMessage, session?: string) {
    if (message.id !== undefined) this.#replies.get(`${session ?? ''}:${message.id}`)?.(message);
    else {
      this.events.push({ session, message });
      for (const waiter of this.#waiters) waiter();
    }
  }

  send(method: string, params: Record<string, unknown> = {}, session?: string): Promise<CdpMessage> {
    const id = this.#nextId++;
    const reply = new Promise<CdpMessage>((resolve) => this.#replies.set(`${session ?? ''}:${id}`, resolve));
    const payload = JSON.stringify({ id, method, params });
    this.#socket.send(
      session
        ? JSON.stringify({ id: this.#nextId++, method: 'NodeWorker.sendMessageToWorker', params: { sessionId: session, message: payload } })
        : payload,
    );
    return reply;
  }

  /** The first event (seen so far or later) that `accept` takes, within `timeoutMs`. */
  event(
    accept: (event: { session?: string; message: CdpMessage }) => boolean,
    timeoutMs: number,
  ): Promise<{ session?: string; message: CdpMessage }> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.find(accept);
        if (!found) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`no such DevTools event within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }

  close() {
    this.#socket.close();
  }
}

let stack: Stack;
let cdp: Cdp;

beforeAll(async () => {
  const inspectPort = await freePort();
  stack = await startStack({ nodeOptions: [`--inspect=127.0.0.1:${inspectPort}`] });
  // Through node:http: the suites' fetch checks every local response against the API's OpenAPI document.
  const list = await new Promise<string>((resolve, reject) =>
    get(`http://127.0.0.1:${inspectPort}/json/list`, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString())).on('end', () => resolve(text));
    }).on('error', reject),
  );
  const [target] = JSON.parse(list) as { webSocketDebuggerUrl: string }[];
  cdp = await Cdp.connect(target!.webSocketDebuggerUrl);
}, HOOK_TIMEOUT_MS);

afterAll(async () => {
  cdp?.close();
  if (stack) expect(await stack.stop()).toBe(0);
}, HOOK_TIMEOUT_MS);

it('stops at a breakpoint set on a line of a handler’s TypeScript source, then serves the request', async () => {
  // Prepare: a project to read (the request also builds getProject), the bundle's map, every worker attached
  const call = httpCaller(stack.baseUrl, await stack.token('debugger'));
  const { id } = (await call('POST', '/projects', { body: { name: 'debug me' } })).body as { id: string };
  expect((await call('GET', `/projects/${id}`)).status).toBe(200);
  const map = new TraceMap(readFileSync(`${BUNDLE}.map`, 'utf8'), BUNDLE);
  const source = map.sources.find((s) => s?.endsWith('services/api/src/handlers/projects/get.ts'))!;
  const generated = generatedPositionFor(map, { source, line: LINE, column: COLUMN });
  expect(generated.line).not.toBeNull();
  await cdp.send('NodeWorker.enable', { waitForDebuggerOnStart: false });
  await cdp.event((e) => e.message.method === 'NodeWorker.attachedToWorker', 10_000);
  const sessions = cdp.events
    .filter((e) => e.message.method === 'NodeWorker.attachedToWorker')
    .map((e) => e.message.params!.sessionId as string);
  for (const session of sessions) {
    await cdp.send('Debugger.enable', {}, session);
    await cdp.send(
      'Debugger.setBreakpointByUrl',
      { url: `file://${BUNDLE}`, lineNumber: generated.line! - 1, columnNumber: generated.column ?? 0 },
      session,
    );
  }

  // Act
  const reply = call('GET', `/projects/${id}`);
  const paused = await cdp.event((e) => e.message.method === 'Debugger.paused', 20_000);
  const frame = paused.message.params!.callFrames[0] as { location: { scriptId: string; lineNumber: number; columnNumber: number } };
  const script = cdp.events.find(
    (e) =>
      e.session === paused.session &&
      e.message.method === 'Debugger.scriptParsed' &&
      e.message.params!.scriptId === frame.location.scriptId,
  );
  await cdp.send('Debugger.resume', {}, paused.session);

  // Assess
  const original = originalPositionFor(map, { line: frame.location.lineNumber + 1, column: frame.location.columnNumber });
  expect(fileURLToPath(script!.message.params!.url as string)).toBe(BUNDLE);
  expect(original.source?.endsWith('services/api/src/handlers/projects/get.ts')).toBe(true);
  expect(original.line).toBe(LINE);
  expect((await reply).status).toBe(200);
});
