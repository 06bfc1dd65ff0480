/**
 * Wire codecs for pinstate's topics: Avro single-object encoding over the schemas in schemas/.
 * Typed codecs per topic value, plus the registry and fingerprint tools they are built from.
 */
export { encodeIntent, decodeIntent, createIntentCodec } from './intent-codec.js';
export { encodeAck, decodeAck, createAckCodec } from './ack-codec.js';
export { encodePlacementChange, decodePlacementChange, createPlacementChangeCodec } from './placement-codec.js';
export { encodePeerHeartbeat, decodePeerHeartbeat, createPeerHeartbeatCodec, HEARTBEAT_LIMITS } from './heartbeat-codec.js';
export { encodePinEvent, decodePinEvent, createPinEventCodec } from './event-codec.js';
export type { MessageCodec } from './message-codec.js';
export { fingerprintOf, SINGLE_OBJECT_MAGIC, SINGLE_OBJECT_HEADER_BYTES } from './single-object.js';
export { crc64Avro, schemaFingerprint, fingerprintHex } from './fingerprint.js';
export { canonicalForm, parseSchemaTree } from './schema-tree.js';
export { SchemaRegistry, MessageFamily } from './schema-registry.js';
export type { FamilyDefinition, SchemaSource, SchemaVersion } from './schema-registry.js';
export { MESSAGE_FAMILIES, CURRENT_VERSIONS, createRegistry, loadReleasedSchemas, releasedRegistry } from './released-schemas.js';
export type { MessageFamilyName, RegistryOptions, ReleasedSchema } from './released-schemas.js';
export { WIRE_LIMITS } from './wire-checks.js';
