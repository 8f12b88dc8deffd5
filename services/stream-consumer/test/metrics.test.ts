// The alarms of serverless.yml watch metrics this service emits, under the names src/metrics.ts gives them.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { describe, expect, it } from '@jest/globals';
import { METRIC } from '../src/metrics.js';

type Alarm = { Type: string; Properties: { Namespace: string; MetricName: string } };
const yml = parse(await readFile(new URL('../serverless.yml', import.meta.url), 'utf8')) as {
  provider: { environment: Record<string, string> };
  resources: { Resources: Record<string, Alarm> };
};
const ownAlarms = Object.entries(yml.resources.Resources).filter(
  ([, resource]) =>
    resource.Type === 'AWS::CloudWatch::Alarm' && resource.Properties.Namespace === yml.provider.environment.POWERTOOLS_METRICS_NAMESPACE,
);

describe("the service's alarms", () => {
  it('include one on its own metrics', () => {
    expect(ownAlarms.map(([name]) => name)).toContain('TaskCountDriftAlarm');
  });

  it.each(ownAlarms)('%s watches a metric the service emits', (_, alarm) => {
    expect(Object.values(METRIC)).toContain(alarm.Properties.MetricName);
  });
});
