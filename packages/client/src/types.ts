// The client's types, derived from the types openapi-typescript generates from the OpenAPI
// document: nothing here names an operation, a path or a schema, so a new operation in the
// document is a new, fully typed method at the next build.
import type { components, operations } from './generated/openapi.js';
import type { OPERATIONS } from './generated/operations.js';
import type { NotModified } from './results.js';

/** Every operation of the API, by its `operationId`. */
export type OperationId = keyof typeof OPERATIONS & keyof operations;
/** The document's schemas: `Schemas['Project']`, `Schemas['TaskCreate']`... */
export type Schemas = components['schemas'];

/** An entity tag as the API sent it in `ETag` (`"3"`), a list of them, or `*`. */
export type EntityTags = string | readonly string[];

type Operation<K extends OperationId> = operations[K];
type Defined<T> = Exclude<T, undefined>;
type IsNever<T> = [T] extends [never] ? true : false;
/** True when an empty object is a T: every field of T is optional. (`{}` on purpose: an index signature counts as optional.) */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type AllOptional<T> = {} extends T ? true : false;
/** `{ name: T }`, optional when every field of T is, absent when T is never. */
type Field<Name extends string, T> =
  IsNever<T> extends true ? unknown : AllOptional<T> extends true ? { [N in Name]?: T } : { [N in Name]: T };
type Simplify<T> = { [K in keyof T]: T[K] } & {};

type ParametersOf<K extends OperationId> = Operation<K>['parameters'];
type Section<K extends OperationId, S extends 'path' | 'query' | 'header'> =
  ParametersOf<K> extends { [N in S]?: infer T } ? Defined<T> : never;

/** Request headers the client sets from options of their own (ifMatch, ifNoneMatch, idempotencyKey). */
type OptionHeader = 'If-Match' | 'If-None-Match' | 'Idempotency-Key';
type DeclaredHeader<K extends OperationId> = IsNever<Section<K, 'header'>> extends true ? never : keyof Section<K, 'header'>;

type HeadersArg<K extends OperationId> = Field<
  'headers',
  (IsNever<Section<K, 'header'>> extends true ? unknown : Omit<Section<K, 'header'>, OptionHeader>) & {
    [N in OptionHeader]?: never;
  } & Record<string, string>
>;

type RequestBodyOf<K extends OperationId> =
  Operation<K> extends { requestBody?: infer R }
    ? IsNever<Defined<R>> extends true
      ? never
      : Defined<R> extends { content: infer C }
        ? C[keyof C]
        : never
    : never;
type BodyArg<K extends OperationId> =
  IsNever<RequestBodyOf<K>> extends true
    ? unknown
    : Operation<K> extends { requestBody: unknown }
      ? { body: RequestBodyOf<K> }
      : { body?: RequestBodyOf<K> };

type OptionsArg<K extends OperationId> = ('If-Match' extends DeclaredHeader<K>
  ? {
      /** Go ahead only if the resource is at one of these entity tags (412 otherwise): `etag` of what you read, or `*`. */
      ifMatch?: EntityTags;
    }
  : unknown) &
  ('If-None-Match' extends DeclaredHeader<K>
    ? {
        /** Go ahead only if the resource is at none of these entity tags: a GET resolves to NotModified, a write throws a 412 ApiProblem. */
        ifNoneMatch?: EntityTags;
      }
    : unknown) &
  ('Idempotency-Key' extends DeclaredHeader<K>
    ? {
        /** Makes the request safe to repeat (and so to retry): a key of yours, or `true` for a new random one. */
        idempotencyKey?: string | true;
      }
    : unknown);

/** The one argument of operation K's method: `path`, `query`, `body` and `headers` as it needs them, and its options. */
export type RequestOf<K extends OperationId> = Simplify<
  Field<'path', Section<K, 'path'>> &
    Field<'query', Section<K, 'query'>> &
    BodyArg<K> &
    HeadersArg<K> &
    OptionsArg<K> & {
      /** Aborts the request, and any wait between its retries. */
      signal?: AbortSignal;
    }
>;

type SuccessStatus = 200 | 201 | 202 | 203 | 204 | 206;
type Responses<K extends OperationId> = Operation<K>['responses'];
type ContentOf<R> = R extends { content: infer C } ? C[keyof C] : undefined;
/** The body, and the response's ETag as `etag` where the document says it has one. */
type WithEtag<R> = R extends { headers: { ETag: unknown } } ? ContentOf<R> & { readonly etag: string } : ContentOf<R>;

/** What operation K's method resolves to: its success body (undefined for a 204), with `etag` where the response has one. */
export type ResponseOf<K extends OperationId> = {
  [S in keyof Responses<K>]: S extends SuccessStatus ? WithEtag<Responses<K>[S]> : never;
}[keyof Responses<K>];

type HasNotModified<K extends OperationId> = 304 extends keyof Responses<K> ? true : false;

/**
 * Operation K's method. Where the operation can answer 304, a call that passes `ifNoneMatch`
 * resolves to the body or to NotModified (tell them apart with `instanceof NotModified`);
 * without it, to the body alone.
 */
export type Method<K extends OperationId> =
  HasNotModified<K> extends true
    ? {
        (args: RequestOf<K> & { ifNoneMatch: EntityTags | undefined }): Promise<ResponseOf<K> | NotModified>;
        (args: RequestOf<K> & { ifNoneMatch?: undefined }): Promise<ResponseOf<K>>;
      }
    : AllOptional<RequestOf<K>> extends true
      ? (args?: RequestOf<K>) => Promise<ResponseOf<K>>
      : (args: RequestOf<K>) => Promise<ResponseOf<K>>;

/** One method per operation of the API, named by its operationId. */
export type Client = { readonly [K in OperationId]: Method<K> };
