import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The API Gateway request being served, for code below the handler (the repositories stamp
 * its id on what they write, so the stream consumer's logs can name the request that caused
 * a change). AsyncLocalStorage keeps concurrent invocations apart where one process serves
 * several (sls offline); on Lambda there is one at a time.
 */
const storage = new AsyncLocalStorage<{ requestId: string }>();

export const runInRequest = <T>(requestId: string, fn: () => Promise<T>): Promise<T> => storage.run({ requestId }, fn);

export const currentRequestId = (): string | undefined => storage.getStore()?.requestId;
