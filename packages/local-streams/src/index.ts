export { driveBatch, firstFailedIndex, type BatchDriverHooks, type InvokeOutcome } from './batch-driver.js';
export { fileCheckpointStore, type CheckpointStore } from './checkpoints.js';
export { failurePayload, writeFailure, type FailureCondition, type FailurePayload } from './destination.js';
export { matchesPattern, passesFilters, type FilterPattern } from './filter.js';
export { loadStreamMappings, mappingsFromConfig, type StreamMapping } from './mappings.js';
export { toLambdaRecord } from './records.js';
export { startStreamRunner, type Invoker, type StreamRunner, type StreamRunnerOptions } from './runner.js';
