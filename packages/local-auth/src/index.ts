export { LOCAL_AUDIENCE, LOCAL_ISSUER, LOCAL_TENANT_CLAIM, loadLocalIssuer, type LocalIssuer, type TokenRequest } from './issuer.js';
export { AuthenticationError, createVerifier, type Verifier, type VerifierOptions } from './verify.js';
export { startAuthGateway, type AccessEntry, type AuthGateway, type AuthGatewayOptions, type Upstream } from './gateway.js';
export { stageThrottleSettings, Throttle, ThrottleSettingsError } from './throttle.js';
export type { StageThrottleConfig, ThrottleLimit, ThrottleSettings } from './throttle.js';
