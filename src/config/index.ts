/** Configuration: read once at start by `loadConfig()`, then passed around as a frozen `PinstateConfig`. */
export type * from './types.js';
export { parseDuration, formatDuration } from './duration.js';
export { loadConfig, defaultConfig, redactConfig, ENV_VARIABLES, CONFIG_FILE_VARIABLE, REDACTED } from './load.js';
export type { LoadConfigOptions, EnvVariable } from './load.js';
export { configFileSchema, validateConfig, CONSISTENCIES, SERIAL_CONSISTENCIES, LOG_LEVELS, BACKENDS, SASL_MECHANISMS } from './schema.js';
export type { ConfigFileInput, ReplicationInput, ParsedConfigFile, ConfigIssue, ConfigValidation } from './schema.js';
