// The alarms of serverless.yml watch metrics this service emits: they name them through
// ${self:custom.metric.<key>}, read from src/metric-names.json, which src/metrics.ts exports.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { describe, expect, it } from '@jest/globals';
import { METRIC } from '../src/metrics.js';

type Alarm = { Type: string; Properties: { Namespace: string; MetricName: string } };
const yml = parse(await readFile(new URL('../serverless.yml', import.meta.url), 'utf8')) as {
  custom: { metric: string };
  provider: { environment: Record<string, string> };
  resources: { Resources: Record<string, Alarm> };
};
const ownAlarms = Object.entries(yml.resources.Resources).filter(
  ([, resource]) =>
    resource.Type === 'AWS::CloudWatch::Alarm' && resource.Properties.Namespace === yml.provider.environment.POWERTOOLS_METRICS_NAMESPACE,
);

describe("the service's alarms", () => {
  it('read the metric names from the file the code reads', () => {
    expect(yml.custom.metric).toBe('${file(./src/metric-names.json)}');
  });

  it('include one on its own metrics for drift and for failing records', () => {
    expect(ownAlarms.map(([name]) => name)).toEqual(expect.arrayContaining(['TaskCountDriftAlarm', 'RecordsFailedAlarm']));
  });

  it.each(ownAlarms)('%s watches a metric the service emits', (_, alarm) => {
    const key = /^\$\{self:custom\.metric\.(\w+)\}$/.exec(alarm.Properties.MetricName)?.[1];
    expect(Object.keys(METRIC)).toContain(key);
  });
});
