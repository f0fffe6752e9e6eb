import { type KeyVaultProblem } from '../errors/key-vault-problems';
import { type KeyDescription, isRsaType } from '../key/key-description';
import { type KeyValidationCheckName, type KeyValidationStatus } from './key-validation.types';

/** The product's key: RSA 4096 (software or HSM) that may wrap and unwrap. */
export const REQUIRED_KEY_SIZE_BITS = 4096;
export const REQUIRED_KEY_OPERATIONS = ['wrapKey', 'unwrapKey'] as const;

export interface RequirementResult {
  readonly name: Extract<
    KeyValidationCheckName,
    'key-enabled' | 'key-dates' | 'key-type' | 'key-size' | 'key-operations'
  >;
  readonly status: KeyValidationStatus;
  readonly message: string;
  readonly problem?: KeyVaultProblem;
}

/** Pure checks of a key version's attributes against what the product needs. */
export function checkKeyRequirements(key: KeyDescription, nowMs: number): RequirementResult[] {
  return [checkEnabled(key), checkDates(key, nowMs), checkType(key), checkSize(key), checkOperations(key)];
}

function checkEnabled(key: KeyDescription): RequirementResult {
  return key.enabled
    ? { name: 'key-enabled', status: 'passed', message: 'the current key version is enabled' }
    : {
        name: 'key-enabled',
        status: 'failed',
        problem: 'key-disabled',
        message: 'the current key version is disabled',
      };
}

function checkDates(key: KeyDescription, nowMs: number): RequirementResult {
  if (key.notBefore !== undefined && key.notBefore.getTime() > nowMs) {
    return {
      name: 'key-dates',
      status: 'failed',
      problem: 'key-not-yet-valid',
      message: `the current key version is not valid before ${key.notBefore.toISOString()}`,
    };
  }
  if (key.expiresOn !== undefined && key.expiresOn.getTime() <= nowMs) {
    return {
      name: 'key-dates',
      status: 'failed',
      problem: 'key-expired',
      message: `the current key version expired at ${key.expiresOn.toISOString()}`,
    };
  }
  const until =
    key.expiresOn === undefined ? 'without an expiration date' : `until ${key.expiresOn.toISOString()}`;
  return { name: 'key-dates', status: 'passed', message: `the current key version is valid ${until}` };
}

function checkType(key: KeyDescription): RequirementResult {
  return isRsaType(key.kty)
    ? { name: 'key-type', status: 'passed', message: `the key is ${key.kty}` }
    : {
        name: 'key-type',
        status: 'failed',
        problem: 'key-not-rsa',
        message: `the key is ${key.kty}; an RSA or RSA-HSM key is required`,
      };
}

function checkSize(key: KeyDescription): RequirementResult {
  if (key.sizeBits === undefined) {
    return {
      name: 'key-size',
      status: 'skipped',
      message: 'skipped because key-type did not pass (no RSA modulus)',
    };
  }
  return key.sizeBits === REQUIRED_KEY_SIZE_BITS
    ? { name: 'key-size', status: 'passed', message: `the key is RSA ${key.sizeBits}` }
    : {
        name: 'key-size',
        status: 'failed',
        problem: 'key-size',
        message: `the key is RSA ${key.sizeBits}; RSA ${REQUIRED_KEY_SIZE_BITS} is required`,
      };
}

function checkOperations(key: KeyDescription): RequirementResult {
  const missing = REQUIRED_KEY_OPERATIONS.filter((operation) => !key.keyOps.includes(operation));
  return missing.length === 0
    ? { name: 'key-operations', status: 'passed', message: 'the key permits wrapKey and unwrapKey' }
    : {
        name: 'key-operations',
        status: 'failed',
        problem: 'operation-not-permitted',
        message: `the key's permitted operations lack ${missing.join(' and ')}`,
      };
}
