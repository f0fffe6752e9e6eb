import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import envelopeSchema from '../../schemas/account-cloudevent.v1.schema.json';
import dataSchema from '../../schemas/account-event-data.v1.schema.json';
import {
  type AccountEventData,
  type AccountEventType,
  type AccountSecrets,
  type FlattenedJwe,
} from '../contract/account-event.types';

export const ACCOUNT_EVENT_DATA_SCHEMA_ID = dataSchema.$id;
export const ACCOUNT_CLOUDEVENT_SCHEMA_ID = envelopeSchema.$id;

/** The CloudEvent as the schema describes it (structured-mode JSON, or binary mode reassembled). */
export interface WireAccountCloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: AccountEventType;
  time: string;
  subject: string;
  datacontenttype?: string;
  traceparent?: unknown;
  data: AccountEventData;
}

export interface AccountEventValidators {
  readonly envelope: ValidateFunction<WireAccountCloudEvent>;
  readonly secrets: ValidateFunction<AccountSecrets>;
  readonly encryptedSecrets: ValidateFunction<FlattenedJwe>;
  readonly jweProtectedHeader: ValidateFunction<Record<string, unknown>>;
}

let compiled: AccountEventValidators | undefined;

/** Compiled once, on first use, and shared: compiling costs milliseconds, validating microseconds. */
export function accountEventValidators(): AccountEventValidators {
  compiled ??= compile();
  return compiled;
}

function compile(): AccountEventValidators {
  // allErrors off: the first violation is enough for a precise reason and stops work early.
  // verbose on: errors carry their parent schema, from which the rule is described (never the value).
  const ajv = new Ajv2020({ strict: true, allErrors: false, verbose: true, allowUnionTypes: true });
  addFormats(ajv, ['date-time', 'uri', 'uri-reference', 'email']);
  ajv.addSchema(dataSchema);
  return {
    envelope: ajv.compile<WireAccountCloudEvent>(envelopeSchema),
    secrets: definition<AccountSecrets>(ajv, 'secrets'),
    encryptedSecrets: definition<FlattenedJwe>(ajv, 'encryptedSecrets'),
    jweProtectedHeader: definition<Record<string, unknown>>(ajv, 'jweProtectedHeader'),
  };
}

function definition<T>(ajv: Ajv2020, name: string): ValidateFunction<T> {
  const validate = ajv.getSchema<T>(`${dataSchema.$id}#/$defs/${name}`);
  if (!validate) throw new Error(`schema definition ${name} is missing`);
  return validate;
}
