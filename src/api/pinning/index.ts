/** The IPFS Pinning Services API under /pinning. See docs/api.md, "Pinning Services API". */
export { createPinningApp, parsePinBody } from './app.js';
export type { PinningAppDeps, PinningDeps } from './app.js';
export { cqlRequestStore } from './requests.js';
export type { CidRef, CreatedRange, PsaRequest, PsaRequestStore } from './requests.js';
export { noDelegates } from './delegates.js';
export type { DelegatesSource } from './delegates.js';
export { pinningOpenApiDocument } from './openapi.js';
export { psaStatusOf } from './status.js';
export type { PsaStatusView } from './status.js';
export * from './schemas.js';
