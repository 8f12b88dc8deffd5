export * from './schemas.js';
export type * from './types.js';
export * from './validate.js';
export * from './problems.js';
export * from './routes.js';
export * from './openapi.js';
