/** IPFS Cluster compatibility: api.Pin JSON and the state export/import stream format. */
export {
  API_PIN_KEYS,
  GO_ZERO_TIME,
  formatApiPinLine,
  formatGoTime,
  parseApiPin,
  parseGoTime,
  toApiPin,
  type ApiPinJson,
  type ClusterPin,
} from './api-pin.js';
export {
  DEFAULT_MAX_NESTING,
  DEFAULT_MAX_OBJECT_BYTES,
  isJsonErrorRecord,
  readJsonObjects,
  type JsonErrorRecord,
  type JsonStreamRecord,
  type JsonValueRecord,
  type ReadJsonObjectsOptions,
} from './json-stream.js';
