export * from './properties.js';
export * from './schemas.js';
export type * from './types.js';
export * from './resources/projects.js';
export * from './resources/tasks.js';
export * from './resources/activity.js';
// new:resource: resource modules
export * from './validate.js';
export * from './problems.js';
export * from './routes.js';
export * from './openapi.js';
