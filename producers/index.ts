/**
 * The producer SDK: what cluster nodes, the importer, replay and the TTL sweeper call to put pin
 * intents and placement acks on Kafka. See docs/producer-sdk.md.
 */
export { createPinProducer } from './pin-producer.js';
export type { PinProducer, PinProducerOptions, ProducerState } from './pin-producer.js';
export type { AckOptions, DeleteOptions, OpOptions } from './records.js';
export { wireCarriesExpiredAt } from './records.js';
export { ProducerSendError } from './send-error.js';
export { createOpIdGenerator, newOpId, uuidV7Time, validateOpId, UUID_V7_PATTERN } from './op-id.js';
export type { OpIdGenerator, OpIdGeneratorOptions } from './op-id.js';
export type { OutgoingMessage } from './records.js';
// The send queue is shared with the writer (src/kafka/send-queue.ts); the SDK still exports it.
export { createSendQueue } from '../src/kafka/send-queue.js';
export type { BatchSender, SendQueue, SendQueueOptions } from '../src/kafka/send-queue.js';
export type { PinTransport } from './kafka-transport.js';
export { producerMetrics } from './metrics.js';
export type { ProducerMetrics } from './metrics.js';
