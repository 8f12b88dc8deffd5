// Serverless plugin: two alarms for each function of the service, found among the compiled
// functions so that a new one gets them too: Errors (an invocation failed: a crash, a timeout)
// and Throttles (Lambda refused to run it: the account's or the function's concurrency). Both
// notify custom.alarmTopic, the stage's topic. CloudWatch alarms cannot watch a SEARCH over
// every function, hence one pair per function.
/* global module */
'use strict';

class FunctionAlarms {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'after:package:compileEvents': () => this.apply() };
  }

  apply() {
    const topic = this.serverless.service.custom?.alarmTopic;
    if (!topic) return;
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    const functions = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::Lambda::Function');
    for (const id of functions) {
      const name = id.replace(/LambdaFunction$/, '');
      for (const [metric, description] of [
        ['Errors', 'invocations failed (a crash, a timeout)'],
        ['Throttles', 'Lambda throttled invocations (concurrency)'],
      ]) {
        resources[`${name}${metric}Alarm`] = {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: {
            AlarmDescription: `${name}: ${description}`,
            Namespace: 'AWS/Lambda',
            MetricName: metric,
            Dimensions: [{ Name: 'FunctionName', Value: { Ref: id } }],
            Statistic: 'Sum',
            Period: 60,
            EvaluationPeriods: 5,
            DatapointsToAlarm: 1,
            Threshold: 0,
            ComparisonOperator: 'GreaterThanThreshold',
            TreatMissingData: 'notBreaching',
            AlarmActions: [topic],
          },
        };
      }
    }
  }
}

module.exports = FunctionAlarms;
