export const DATA_CIPHER = Symbol('DATA_CIPHER');
export const FIELD_HASHER = Symbol('FIELD_HASHER');
export const SECRETS_DECRYPTOR = Symbol('SECRETS_DECRYPTOR');
