export * from './contract/account-event.constants';
export * from './contract/account-event.types';
export * from './errors/invalid-event.error';
export {
  ACCOUNT_CLOUDEVENT_SCHEMA_ID,
  ACCOUNT_EVENT_DATA_SCHEMA_ID,
} from './validation/account-event.schemas';
export {
  parseAccountSecrets,
  protectAccountSecrets,
  type AccountSecretsParse,
} from './validation/account-secrets.parser';
export { validateFlattenedJwe, type JweValidation } from './validation/flattened-jwe.validator';
export { type SchemaViolation } from './validation/schema-violation';
export { decodeAccountEvent, type DecodeResult } from './decoding/account-event.decoder';
export { parseTraceparent } from './decoding/traceparent.parser';
export * from './producing/account-event-record.builder';
export * from './producing/account-event.producer';
