// ReturnValuesOnConditionCheckFailure (PutItem, UpdateItem, DeleteItem, and each action
// of TransactWriteItems). dynalite does not know the member: its type check would drop
// it silently. We add it to dynalite's request shapes, so that a bad value gets the same
// `Member must satisfy enum value set` ValidationException as any other member, and
// report it back to the write path.
import type { ValidationSpec } from './dynalite.js';

export const RETURN_VALUES_ON_CONDITION_CHECK_FAILURE = 'ReturnValuesOnConditionCheckFailure';

const member = { type: 'String', enum: ['ALL_OLD', 'NONE'] };

/** dynalite's request shape for an action, plus ReturnValuesOnConditionCheckFailure. */
export function withReturnValuesOnConditionCheckFailure(spec: ValidationSpec): ValidationSpec {
  return { types: { ...spec.types, [RETURN_VALUES_ON_CONDITION_CHECK_FAILURE]: member }, custom: spec.custom };
}

/** True when a validated request asks for the item in ConditionalCheckFailed errors. */
export function wantsItemOnConditionFailure(data: Record<string, unknown>): boolean {
  return data[RETURN_VALUES_ON_CONDITION_CHECK_FAILURE] === 'ALL_OLD';
}
