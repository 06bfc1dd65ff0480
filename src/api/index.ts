/** The HTTP API: createApp(deps) builds it, listen() serves it. See docs/api.md. */
export { createApp, UNMATCHED_ROUTE } from './app.js';
export type { ApiApp, ApiEnv } from './api-app.js';
export type { ApiDeps, IntentPublisher, PinReader, ReadinessCheck, ReadinessProbe, ReadinessReport } from './deps.js';
export { listen } from './server.js';
export type { ListeningServer } from './server.js';
export { openApiDocument } from './openapi.js';
export { apiMetrics } from './metrics.js';
export type { ApiMetrics } from './metrics.js';
export { errorResponse, ApiError, API_ERROR_CODES } from './errors.js';
export type { ErrorBody, ApiErrorCode } from './errors.js';
export { pinJson, peerPinJson, statsJson } from './pin-json.js';
export type { PinJson, PeerPinJson, StatsJson, PlacementJson } from './schemas.js';
export { pinStatus } from './pin-status.js';
export type { PeerPinStatus, PinStatus, StatusPeerState } from './pin-status.js';
