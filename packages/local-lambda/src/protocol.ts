// The messages between a FunctionHost and its worker thread: values, never log text.

/** What the worker needs to run one function. */
export interface WorkerFunction {
  name: string;
  deployedName: string;
  /** The built bundle, absolute. */
  file: string;
  exportName: string;
  environment: Record<string, string>;
  timeoutMs: number;
  memoryMb: number;
}

export interface WorkerError {
  name: string;
  message: string;
  stack?: string;
}

export type ToWorker =
  | { type: 'invoke'; id: number; fn: WorkerFunction; event: unknown; awsRequestId: string }
  | { type: 'load'; id: number; fn: WorkerFunction };

export type FromWorker =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; phase: 'init' | 'invoke'; error: WorkerError }
  | { type: 'loaded'; id: number; ok: true }
  | { type: 'loaded'; id: number; ok: false; error: WorkerError };
