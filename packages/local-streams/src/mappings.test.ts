import { describe, expect, it } from '@jest/globals';
import { handlerModulePath, mappingsFromConfig } from './mappings.js';

const STREAM_ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/latest';

/** A resolved serverless.yml (as `sls print` gives it) with one function. */
const config = (fn: Record<string, unknown>, provider: Record<string, unknown> = {}) => ({
  provider: { environment: { TABLE_NAME: 't', SHARED: 'provider' }, ...provider },
  functions: { tableChanges: { handler: 'src/handlers/table-changes.handler', ...fn } },
});

describe('mappingsFromConfig', () => {
  it('reads every setting of a stream event and the function it invokes', () => {
    // Act
    const [mapping, ...others] = mappingsFromConfig(
      config(
        {
          timeout: 60,
          environment: { SHARED: 'function', OWN: 1 },
          events: [
            {
              stream: {
                type: 'dynamodb',
                arn: STREAM_ARN,
                batchSize: 10,
                batchWindow: 2,
                startingPosition: 'LATEST',
                filterPatterns: [{ eventName: ['INSERT'] }],
                functionResponseType: 'ReportBatchItemFailures',
                bisectBatchOnFunctionError: true,
                maximumRetryAttempts: 3,
                maximumRecordAgeInSeconds: 600,
                destinations: { onFailure: { type: 'sqs', arn: 'arn:queue' } },
              },
            },
          ],
        },
        { timeout: 10 },
      ),
    );

    // Assess
    expect(others).toEqual([]);
    expect(mapping).toEqual({
      functionName: 'tableChanges',
      handler: { file: 'src/handlers/table-changes', exportName: 'handler' },
      timeoutSeconds: 60,
      environment: { TABLE_NAME: 't', SHARED: 'function', OWN: '1' },
      streamArn: STREAM_ARN,
      batchSize: 10,
      batchWindowSeconds: 2,
      startingPosition: 'LATEST',
      filterPatterns: [{ eventName: ['INSERT'] }],
      reportBatchItemFailures: true,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 3,
      maximumRecordAgeInSeconds: 600,
      onFailure: true,
      onFailureVariables: [],
    });
  });

  it("applies Lambda's defaults to a stream event that sets nothing but its ARN", () => {
    // Act
    const [mapping] = mappingsFromConfig(config({ events: [{ stream: STREAM_ARN }] }));

    // Assess
    expect(mapping).toMatchObject({
      timeoutSeconds: 6,
      batchSize: 100,
      batchWindowSeconds: 0,
      startingPosition: 'TRIM_HORIZON',
      filterPatterns: [],
      reportBatchItemFailures: false,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: -1,
      maximumRecordAgeInSeconds: -1,
      onFailure: false,
    });
  });

  it.each([
    ['a Ref', { Ref: 'Queue' }],
    ['an Fn::GetAtt', { 'Fn::GetAtt': ['Queue', 'QueueUrl'] }],
    ['a short-form GetAtt', { 'Fn::GetAtt': 'Queue.Arn' }],
  ])("names the environment variables that hold the on-failure destination's address (%s)", (_, reference) => {
    // Act
    const [mapping] = mappingsFromConfig(
      config(
        {
          environment: { DESTINATION: reference, OTHER: { Ref: 'Topic' } },
          events: [{ stream: { arn: STREAM_ARN, destinations: { onFailure: { type: 'sqs', arn: { 'Fn::GetAtt': ['Queue', 'Arn'] } } } } }],
        },
        { environment: { PROVIDER_LEVEL: { Ref: 'Queue' } } },
      ),
    );

    // Assess
    expect(mapping!.onFailureVariables).toEqual(['PROVIDER_LEVEL', 'DESTINATION']);
    expect(mapping!.environment).toMatchObject({ PROVIDER_LEVEL: '', DESTINATION: '' });
  });

  it('names no variable when the destination is a plain ARN', () => {
    const [mapping] = mappingsFromConfig(
      config({ environment: { QUEUE: { Ref: 'Queue' } }, events: [{ stream: { arn: STREAM_ARN, destinations: { onFailure: 'arn:q' } } }] }),
    );
    expect(mapping!.onFailureVariables).toEqual([]);
  });

  it.each([
    ['an HTTP event', { httpApi: { method: 'GET', path: '/' } }],
    ['a Kinesis stream', { stream: { type: 'kinesis', arn: 'arn:aws:kinesis:us-east-1:0:stream/s' } }],
  ])('ignores %s', (_, event) => {
    expect(mappingsFromConfig(config({ events: [event] }))).toEqual([]);
  });

  it('names the function when its stream ARN did not resolve to a string for the stage', () => {
    expect(() => mappingsFromConfig(config({ events: [{ stream: { arn: { 'Fn::ImportValue': 'x' } } }] }))).toThrow(
      /^tableChanges: the stream arn must resolve to a string for this stage/,
    );
  });
});

describe('handlerModulePath', () => {
  it("is the handler's TypeScript module in the service folder", () => {
    const [mapping] = mappingsFromConfig(config({ events: [{ stream: STREAM_ARN }] }));
    expect(handlerModulePath('/srv/consumer', mapping!)).toBe('/srv/consumer/src/handlers/table-changes.ts');
  });
});
