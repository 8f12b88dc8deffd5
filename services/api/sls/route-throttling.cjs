// Serverless plugin: the HTTP API stage's throttling from custom.throttle (serverless.yml), put
// in the packaged template: the stage's limit on every route (DefaultRouteSettings) and the
// tighter write limit on each route whose method writes (RouteSettings, by route key). Written
// as a plugin because the framework has no setting for either, and because listing the write
// routes by hand would miss the next one added: this finds them among the compiled routes.
// npm start's gateway applies the same configuration with the same rule (packages/local-auth,
// stageThrottleSettings); deploy/test/templates.test.ts checks the packaged result.
/* global module */
'use strict';

class RouteThrottling {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'after:package:compileEvents': () => this.apply() };
  }

  apply() {
    const config = this.serverless.service.custom?.throttle;
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    const stage = resources.HttpApiStage;
    if (!config || !stage) return;
    const limit = ({ rate, burst }) => ({ ThrottlingRateLimit: Number(rate), ThrottlingBurstLimit: Number(burst) });
    stage.Properties.DefaultRouteSettings = { ...stage.Properties.DefaultRouteSettings, ...limit(config) };
    const writes = config.writes;
    if (!writes) return;
    const routes = Object.entries(resources).filter(
      ([, resource]) =>
        resource.Type === 'AWS::ApiGatewayV2::Route' && writes.methods.includes(String(resource.Properties.RouteKey).split(' ')[0]),
    );
    if (routes.length === 0) return;
    stage.Properties.RouteSettings = Object.fromEntries(routes.map(([, route]) => [route.Properties.RouteKey, limit(writes)]));
    // A stage's RouteSettings may only name routes that exist: CloudFormation creates them first.
    const dependsOn = stage.DependsOn === undefined ? [] : [].concat(stage.DependsOn);
    stage.DependsOn = [...dependsOn, ...routes.map(([id]) => id)];
  }
}

module.exports = RouteThrottling;
