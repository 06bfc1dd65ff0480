import { describe, expect, it } from 'vitest';
import { apiFieldName } from '../../../src/api/body.js';
import { ApiError, errorResponse } from '../../../src/api/errors.js';
import { ConfigError, NotFoundError, PinstateError, ValidationError } from '../../../src/errors.js';

describe('error mapping', () => {
  it('input errors are 400 with code, field and message', () => {
    const r = errorResponse(new ValidationError('INVALID_CID', 'cid', 'not a valid CID'));
    expect(r).toEqual({ status: 400, body: { error: { code: 'INVALID_CID', field: 'cid', message: 'cid: not a valid CID' } } });
  });

  it('renames internal field names to the JSON keys, message included', () => {
    const r = errorResponse(new ValidationError('INVALID_REPLICATION', 'replicationFactorMin', 'min (5) is greater than max (2)'), apiFieldName);
    expect(r.body.error.field).toBe('replication_factor_min');
    expect(r.body.error.message).toBe('replication_factor_min: min (5) is greater than max (2)');
  });

  it('chooses the status from the code, never the message', () => {
    expect(errorResponse(new NotFoundError('bafy')).status).toBe(404);
    expect(errorResponse(new PinstateError('KAFKA_UNAVAILABLE', 'broker down')).status).toBe(503);
    expect(errorResponse(new PinstateError('DB_TIMEOUT', 'slow')).status).toBe(503);
    expect(errorResponse(new PinstateError('OP_ID_CONFLICT', 'x')).status).toBe(409);
    expect(errorResponse(new ConfigError('api.port', 'bad')).status).toBe(500);
    expect(errorResponse(new ApiError(413, 'PAYLOAD_TOO_LARGE', 'body', 'body: too large')).status).toBe(413);
  });

  it('hides the internals of unexpected errors', () => {
    const r = errorResponse(new TypeError('secret stack detail'));
    expect(r).toEqual({ status: 500, body: { error: { code: 'INTERNAL', field: null, message: 'internal error' } } });
  });

  it('maps field names', () => {
    expect(apiFieldName('pinType')).toBe('type');
    expect(apiFieldName('opId')).toBe('op_id');
    expect(apiFieldName('tags[3]')).toBe('tags[3]');
    expect(apiFieldName('metadata.app')).toBe('metadata.app');
    expect(apiFieldName('peers[0]')).toBe('peers[0]');
  });
});
