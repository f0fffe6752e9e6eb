import { inspect } from 'node:util';
import { CloudEvent, Kafka } from 'cloudevents';
import {
  ACCOUNT_ID,
  KEY_VAULT_KID,
  VALID_TRACEPARENT,
  WORKSPACE_ID,
  chars,
  jweWithHeader,
  recordFor,
  validData,
  validJwe,
  type Mode,
} from '../../test/account-event.fixtures';
import { MAX_RECORD_VALUE_BYTES } from '../contract/account-event.constants';
import { type AccountEvent, type AccountEventRecordInput } from '../contract/account-event.types';
import { type InvalidEventError } from '../errors/invalid-event.error';
import { decodeAccountEvent } from './account-event.decoder';

const MODES: Mode[] = ['binary', 'structured'];

function decoded(record: AccountEventRecordInput): AccountEvent {
  const result = decodeAccountEvent(record);
  if (!result.ok) throw new Error(`expected a valid event, got: ${result.error.reason}`);
  return result.event;
}

function rejected(record: AccountEventRecordInput): InvalidEventError {
  const result = decodeAccountEvent(record);
  if (result.ok) throw new Error('expected the record to be rejected');
  return result.error;
}

describe('decodeAccountEvent', () => {
  describe.each(MODES)('%s mode', (mode) => {
    it('decodes a valid event with every attribute, the key and the mode', () => {
      const event = decoded(recordFor(mode));

      expect(event).toEqual({
        mode,
        specversion: '1.0',
        id: '7d0c7f0e-2f6b-4b0e-9d4c-3a1f5b8e9c21',
        source: '/services/accounts',
        type: 'account.updated.v1',
        time: '2025-06-01T09:30:00.000Z',
        subject: ACCOUNT_ID,
        key: `${WORKSPACE_ID}:${ACCOUNT_ID}`,
        data: {
          workspaceId: WORKSPACE_ID,
          accountId: ACCOUNT_ID,
          version: 3,
          provider: 'github',
          label: 'GitHub (work)',
          url: 'https://github.com/login',
          username: 'jdoe',
          email: 'jdoe@example.com',
        },
      });
    });

    it('accepts account.created.v1 whatever the topic (type decides)', () => {
      expect(decoded(recordFor(mode, { attributes: { type: 'account.created.v1' } })).type).toBe(
        'account.created.v1',
      );
    });

    describe('required fields', () => {
      it.each(['workspaceId', 'accountId', 'version', 'provider', 'label'])(
        'rejects data without %s',
        (name) => {
          const data: Record<string, unknown> = { ...validData() };
          delete data[name];
          const error = rejected(
            recordFor(mode, {
              data,
              key: `${WORKSPACE_ID}:${ACCOUNT_ID}`,
              attributes: { subject: ACCOUNT_ID },
            }),
          );

          expect(error.field).toBe(`/data/${name}`);
          expect(error.reason).toBe(`/data/${name} is required`);
        },
      );

      it.each(['id', 'source', 'type', 'time', 'subject', ...(mode === 'structured' ? ['specversion'] : [])])(
        'rejects an event without %s',
        (name) => {
          const error = rejected(recordFor(mode, { attributes: { [name]: undefined } }));

          expect(error.field).toBe(`/${name}`);
          expect(error.reason).toMatch(new RegExp(`^/${name} is required`));
          if (mode === 'binary') expect(error.reason).toContain(`(header ce_${name})`);
        },
      );
    });

    describe('data bounds and types', () => {
      it.each<[string, Record<string, unknown>, string, string]>([
        [
          'version 0',
          { version: 0 },
          '/data/version',
          '/data/version must be integer >= 1 and <= 9007199254740991',
        ],
        ['version 1.5', { version: 1.5 }, '/data/version', '/data/version must be integer >= 1'],
        ['version as a string', { version: '3' }, '/data/version', '/data/version must be integer'],
        [
          'version beyond 2^53-1',
          { version: 9007199254740992 },
          '/data/version',
          '/data/version must be integer',
        ],
        [
          'an empty provider',
          { provider: '' },
          '/data/provider',
          '/data/provider must be string of 1..256 characters',
        ],
        [
          'a 257-char provider',
          { provider: chars(257) },
          '/data/provider',
          '/data/provider must be string of 1..256',
        ],
        [
          'a 513-char label',
          { label: chars(513) },
          '/data/label',
          '/data/label must be string of at most 512 characters',
        ],
        ['a numeric label', { label: 7 }, '/data/label', '/data/label must be string'],
        [
          'a relative url',
          { url: '/login' },
          '/data/url',
          '/data/url must be string or null of at most 2048 characters in absolute URI format',
        ],
        [
          'a 2049-char url',
          { url: `https://example.com/${chars(2029)}` },
          '/data/url',
          '/data/url must be string or null',
        ],
        [
          'a 513-char username',
          { username: chars(513) },
          '/data/username',
          '/data/username must be string or null of at most 512',
        ],
        ['an email without @', { email: 'jdoe.example.com' }, '/data/email', 'in e-mail address format'],
        [
          'a 321-char email',
          { email: `${chars(64)}@${chars(252)}.com` },
          '/data/email',
          'of at most 320 characters',
        ],
        [
          'a 65-char phone',
          { phone: chars(65, '1') },
          '/data/phone',
          '/data/phone must be string or null of at most 64',
        ],
        ['a 321-char originalEmail', { originalEmail: chars(321) }, '/data/originalEmail', 'of at most 320'],
        ['a 65-char originalPhone', { originalPhone: chars(65) }, '/data/originalPhone', 'of at most 64'],
        ['secrets as a string', { secrets: 'hunter2' }, '/data/secrets', '/data/secrets must be object'],
        [
          'an empty password',
          { secrets: { password: '' } },
          '/data/secrets/password',
          'of 1..4096 characters',
        ],
        [
          'a 4097-char password',
          { secrets: { password: chars(4097) } },
          '/data/secrets/password',
          'of 1..4096',
        ],
        [
          'a 1025-char totpSecret',
          { secrets: { totpSecret: chars(1025) } },
          '/data/secrets/totpSecret',
          'of 1..1024',
        ],
        [
          '65 backup codes',
          { secrets: { backupCodes: Array.from({ length: 65 }, () => 'code') } },
          '/data/secrets/backupCodes',
          'of at most 64 items',
        ],
        [
          'a 257-char backup code',
          { secrets: { backupCodes: ['ok', chars(257)] } },
          '/data/secrets/backupCodes/1',
          'must be string of 1..256',
        ],
        [
          'a numeric backup code',
          { secrets: { backupCodes: [123456] } },
          '/data/secrets/backupCodes/0',
          'must be string',
        ],
        [
          'backupCodes as a string',
          { secrets: { backupCodes: 'a,b' } },
          '/data/secrets/backupCodes',
          'must be array or null',
        ],
        [
          'both secrets kinds',
          { secrets: { password: 'p' }, encryptedSecrets: validJwe() },
          '/data',
          '/data must not carry both secrets and encryptedSecrets',
        ],
        [
          'encryptedSecrets as a string',
          { encryptedSecrets: 'eyJ' },
          '/data/encryptedSecrets',
          '/data/encryptedSecrets must be object',
        ],
      ])('rejects %s', (_case, overrides, field, reason) => {
        const error = rejected(recordFor(mode, { data: validData(overrides) }));

        expect(error.field).toBe(field);
        expect(error.reason).toContain(reason);
        expect(error.retriable).toBe(false);
        expect(error.code).toBe('EVENT_INVALID');
      });

      it.each<[string, Record<string, unknown>]>([
        ['version 2^53-1', { version: 9007199254740991 }],
        ['a 256-char provider', { provider: chars(256) }],
        ['an empty label', { label: '' }],
        ['a 512-char label', { label: chars(512) }],
        ['a 2048-char url', { url: `https://example.com/${chars(2028)}` }],
        ['a 512-char username', { username: chars(512) }],
        ['a 320-char email', { email: `${chars(64)}@${chars(63)}.${chars(63)}.${chars(63)}.${chars(63)}` }],
        ['a 64-char phone', { phone: chars(64, '1') }],
        ['a 320-char originalEmail', { originalEmail: chars(320) }],
        ['a 64-char originalPhone', { originalPhone: chars(64) }],
        [
          'null optional fields',
          { url: null, username: null, email: null, phone: null, secrets: null, encryptedSecrets: null },
        ],
        ['a 4096-char password', { secrets: { password: chars(4096) } }],
        ['a 1024-char totpSecret', { secrets: { totpSecret: chars(1024) } }],
        [
          '64 backup codes of 256 chars',
          { secrets: { backupCodes: Array.from({ length: 64 }, () => chars(256)) } },
        ],
        ['empty secrets', { secrets: {} }],
        ['null secrets with encryptedSecrets', { secrets: null, encryptedSecrets: validJwe() }],
      ])('accepts %s', (_case, overrides) => {
        expect(decodeAccountEvent(recordFor(mode, { data: validData(overrides) })).ok).toBe(true);
      });

      it.each<[string, string]>([
        ['workspaceId', 'workspaceId'],
        ['accountId', 'accountId'],
      ])('bounds %s to 1..64 characters of [A-Za-z0-9_-]', (_case, name) => {
        // A valid subject, so that the data rule is the first one broken.
        const at = (value: string) =>
          recordFor(mode, { data: validData({ [name]: value }), attributes: { subject: 'acc-1' } });

        const valid = (value: string) => recordFor(mode, { data: validData({ [name]: value }) });

        expect(decodeAccountEvent(valid(chars(64, 'Z'))).ok).toBe(true);
        expect(decodeAccountEvent(valid('A-z_09')).ok).toBe(true);
        expect(rejected(at(chars(65))).reason).toBe(
          `/data/${name} must be string of 1..64 characters matching ^[A-Za-z0-9_-]+$`,
        );
        expect(rejected(at('')).field).toBe(`/data/${name}`);
        expect(rejected(at('acc:1')).field).toBe(`/data/${name}`);
        expect(rejected(at('accé')).field).toBe(`/data/${name}`);
      });

      it('rejects data that is not an object', () => {
        const error = rejected(recordFor(mode, { data: [1, 2], key: 'a:b', attributes: { subject: 'b' } }));

        expect(error.field).toBe('/data');
        expect(error.reason).toBe('/data must be object');
      });
    });

    describe('envelope attributes', () => {
      it.each<[string, Record<string, unknown>, string, string]>([
        ['specversion 0.3', { specversion: '0.3' }, '/specversion', '/specversion must be equal to "1.0"'],
        ['an empty id', { id: '' }, '/id', '/id must be string of 1..256 characters'],
        ['a 257-char id', { id: chars(257) }, '/id', '/id must be string of 1..256 characters'],
        ['an empty source', { source: '' }, '/source', '/source must be string of 1..1024'],
        [
          'a source that is not a URI-reference',
          { source: 'not a uri' },
          '/source',
          'in URI-reference format',
        ],
        [
          'an unknown type',
          { type: 'account.deleted.v1' },
          '/type',
          '/type must be one of account.created.v1, account.updated.v1',
        ],
        ['a v2 type', { type: 'account.created.v2' }, '/type', '/type must be one of'],
        [
          'a date without time',
          { time: '2025-06-01' },
          '/time',
          '/time must be string of at most 64 characters in RFC 3339 date-time format',
        ],
        ['a time without offset', { time: '2025-06-01T09:30:00' }, '/time', 'RFC 3339 date-time'],
        ['an impossible time', { time: '2025-02-30T09:30:00Z' }, '/time', 'RFC 3339 date-time'],
        [
          'a subject other than data.accountId',
          { subject: 'acc-other' },
          '/subject',
          '/subject must equal /data/accountId',
        ],
        [
          'a subject that is not an identifier',
          { subject: 'acc 1' },
          '/subject',
          '/subject must be string of 1..64 characters matching',
        ],
      ])('rejects %s', (_case, attributes, field, reason) => {
        const error = rejected(recordFor(mode, { attributes }));

        expect(error.field).toBe(field);
        expect(error.reason).toContain(reason);
        if (mode === 'binary') expect(error.reason).toContain(`(header ce_${field.slice(1)})`);
      });

      it('accepts a 256-char id, an absolute URI source and a time with an offset', () => {
        const attributes = {
          id: chars(256),
          source: 'urn:example:accounts',
          time: '2025-06-02T14:05:12.345+02:00',
        };

        expect(decoded(recordFor(mode, { attributes })).time).toBe('2025-06-02T14:05:12.345+02:00');
      });
    });

    describe('key', () => {
      it('rejects a null key', () => {
        const error = rejected(recordFor(mode, { key: null }));

        expect(error).toMatchObject({ field: 'key', reason: 'key is required: <workspaceId>:<accountId>' });
      });

      it.each<[string, string | Buffer]>([
        ['another account', `${WORKSPACE_ID}:acc-other`],
        ['another workspace', `ws_other:${ACCOUNT_ID}`],
        ['the account id alone', ACCOUNT_ID],
        ['an over-long key', chars(200)],
        ['a key with trailing space', `${WORKSPACE_ID}:${ACCOUNT_ID} `],
      ])('rejects a key naming %s', (_case, key) => {
        expect(rejected(recordFor(mode, { key }))).toMatchObject({
          field: 'key',
          reason: 'key must equal <data.workspaceId>:<data.accountId>',
        });
      });

      it('rejects a key that is not UTF-8', () => {
        expect(rejected(recordFor(mode, { key: Buffer.from([0xc3, 0x28]) }))).toMatchObject({
          field: 'key',
          reason: 'key must be UTF-8',
        });
      });
    });

    describe('encryptedSecrets protected header', () => {
      const field = '/data/encryptedSecrets/protected';

      it('accepts RSA-OAEP-256 + A256GCM with a versioned Key Vault or Managed HSM kid', () => {
        const hsmKid =
          'https://example-hsm.managedhsm.azure.net/keys/backup/0123456789abcdef0123456789abcdef';
        const jwe = jweWithHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: hsmKid, cty: 'json' });
        const event = decoded(
          recordFor(mode, {
            data: validData({ encryptedSecrets: { ...jwe, aad: 'YWFk', header: { x5t: 'abc' } } }),
          }),
        );

        expect(event.data.encryptedSecrets).toEqual({ ...jwe, aad: 'YWFk', header: { x5t: 'abc' } });
      });

      it.each(['vault.azure.cn', 'vault.usgovcloudapi.net'])(
        'accepts the kid of a vault in a sovereign cloud (%s)',
        (suffix) => {
          const kid = `https://example-kv.${suffix}/keys/backup/0123456789abcdef0123456789abcdef`;
          const jwe = jweWithHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid });

          expect(
            decoded(recordFor(mode, { data: validData({ encryptedSecrets: jwe }) })).data.encryptedSecrets,
          ).toEqual(jwe);
        },
      );

      it.each<[string, Record<string, unknown>, string]>([
        [
          'alg RSA1_5',
          { alg: 'RSA1_5', enc: 'A256GCM', kid: KEY_VAULT_KID },
          `${field} header /alg must be equal to "RSA-OAEP-256"`,
        ],
        [
          'alg dir',
          { alg: 'dir', enc: 'A256GCM', kid: KEY_VAULT_KID },
          `${field} header /alg must be equal to "RSA-OAEP-256"`,
        ],
        [
          'enc A128GCM',
          { alg: 'RSA-OAEP-256', enc: 'A128GCM', kid: KEY_VAULT_KID },
          `${field} header /enc must be equal to "A256GCM"`,
        ],
        ['no kid', { alg: 'RSA-OAEP-256', enc: 'A256GCM' }, `${field} header /kid is required`],
        [
          'an unversioned kid',
          {
            alg: 'RSA-OAEP-256',
            enc: 'A256GCM',
            kid: 'https://example-backup-kv.vault.azure.net/keys/account-secrets',
          },
          `${field} header /kid must be string`,
        ],
        [
          'a kid on another host',
          {
            alg: 'RSA-OAEP-256',
            enc: 'A256GCM',
            kid: 'https://evil.example.com/keys/k/0123456789abcdef0123456789abcdef',
          },
          `${field} header /kid must be string`,
        ],
        [
          'a plain-http kid',
          { alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: KEY_VAULT_KID.replace('https:', 'http:') },
          `${field} header /kid must be string`,
        ],
        [
          'compression',
          { alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: KEY_VAULT_KID, zip: 'DEF' },
          `${field} header /zip is not allowed`,
        ],
        [
          'critical extensions',
          { alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: KEY_VAULT_KID, crit: ['exp'] },
          `${field} header /crit is not allowed`,
        ],
      ])('rejects %s', (_case, header, reason) => {
        const error = rejected(
          recordFor(mode, { data: validData({ encryptedSecrets: jweWithHeader(header) }) }),
        );

        expect(error.field).toBe(field);
        expect(error.reason).toContain(reason);
      });

      it('rejects a protected header that is not base64url JSON', () => {
        const encryptedSecrets = validJwe({ protected: Buffer.from('not json').toString('base64url') });

        expect(rejected(recordFor(mode, { data: validData({ encryptedSecrets }) }))).toMatchObject({
          field,
          reason: `${field} must be base64url-encoded UTF-8 JSON`,
        });
      });

      it.each<[string, Record<string, unknown>, string]>([
        [
          'a base64 (not base64url) protected header',
          { protected: 'ab+/' },
          '/data/encryptedSecrets/protected',
        ],
        ['a 12-byte iv written with padding', { iv: 'AQEBAQEBAQEBAQEB=' }, '/data/encryptedSecrets/iv'],
        ['a short tag', { tag: 'AwMDAwMDAwMDAwMDAwMDA' }, '/data/encryptedSecrets/tag'],
        ['a missing ciphertext', { ciphertext: undefined }, '/data/encryptedSecrets/ciphertext'],
        ['a missing encrypted_key', { encrypted_key: undefined }, '/data/encryptedSecrets/encrypted_key'],
        ['zip in the unprotected header', { header: { zip: 'DEF' } }, '/data/encryptedSecrets/header/zip'],
        [
          'a kid repeated in the unprotected header',
          { header: { kid: KEY_VAULT_KID } },
          '/data/encryptedSecrets/header',
        ],
      ])('rejects %s', (_case, overrides, field) => {
        const encryptedSecrets = JSON.parse(JSON.stringify(validJwe(overrides)));

        expect(rejected(recordFor(mode, { data: validData({ encryptedSecrets }) })).field).toBe(field);
      });
    });

    describe('unknown fields', () => {
      it('ignores unknown envelope extensions, data fields and secrets members, and drops them', () => {
        const data = validData({ nickname: 'jd', secrets: { password: 'p@ss', pin: '1234' } });
        const event = decoded(
          recordFor(mode, { data, attributes: { partitionkey: 'x', comexampleext: 'y' } }),
        );

        expect(event.data).not.toHaveProperty('nickname');
        expect(event.data.secrets).not.toHaveProperty('pin');
        expect(event).not.toHaveProperty('partitionkey');
        expect(event.data.secrets?.password?.reveal()).toBe('p@ss');
      });
    });

    describe('plaintext secrets', () => {
      it('wraps every secret so that JSON, inspect and string conversion reveal nothing', () => {
        const secrets = { password: 'pw-MARKER', totpSecret: 'totp-MARKER', backupCodes: ['code-MARKER'] };
        const event = decoded(recordFor(mode, { data: validData({ secrets }) }));

        expect(JSON.stringify(event)).not.toContain('MARKER');
        expect(inspect(event, { depth: 10 })).not.toContain('MARKER');
        expect(event.data.secrets?.password?.reveal()).toBe('pw-MARKER');
        expect(event.data.secrets?.totpSecret?.reveal()).toBe('totp-MARKER');
        expect(event.data.secrets?.backupCodes?.reveal()).toEqual(['code-MARKER']);
      });

      it('never echoes an offending secret in the error', () => {
        const error = rejected(
          recordFor(mode, { data: validData({ secrets: { password: `MARKER${chars(5000)}` } }) }),
        );

        expect(error.message).not.toContain('MARKER');
        expect(JSON.stringify(error)).not.toContain('MARKER');
      });
    });

    describe('traceparent', () => {
      it('exposes a valid traceparent header', () => {
        const event = decoded(recordFor(mode, { headers: { traceparent: VALID_TRACEPARENT } }));

        expect(event.traceparent).toBe(VALID_TRACEPARENT);
      });

      it.each([
        ['garbage', 'not-a-traceparent'],
        ['upper-case hex', VALID_TRACEPARENT.toUpperCase()],
        ['an all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
        ['version ff', VALID_TRACEPARENT.replace(/^00/, 'ff')],
      ])('ignores an invalid traceparent (%s): the event stays valid', (_case, traceparent) => {
        const event = decoded(recordFor(mode, { headers: { traceparent } }));

        expect(event).not.toHaveProperty('traceparent');
      });

      it('ignores a repeated traceparent header', () => {
        const event = decoded(
          recordFor(mode, { headers: { traceparent: [VALID_TRACEPARENT, VALID_TRACEPARENT] } }),
        );

        expect(event).not.toHaveProperty('traceparent');
      });

      it('falls back to the CloudEvents distributed-tracing extension', () => {
        const record = recordFor(mode, { attributes: { traceparent: VALID_TRACEPARENT } });

        expect(decoded(record).traceparent).toBe(VALID_TRACEPARENT);
      });
    });
  });

  describe('value', () => {
    it('rejects a tombstone (null value)', () => {
      expect(rejected({ ...recordFor('binary'), value: null })).toMatchObject({
        field: 'value',
        reason: expect.stringMatching(/^value is missing/),
      });
    });

    it('rejects an empty value', () => {
      expect(rejected({ ...recordFor('binary'), value: Buffer.alloc(0) })).toMatchObject({
        field: 'value',
        reason: 'value is empty',
      });
    });

    it.each(MODES)('rejects a value that is not JSON (%s) without quoting it', (mode) => {
      const error = rejected({ ...recordFor(mode), value: Buffer.from('{"password": "MARKER"') });

      expect(error).toMatchObject({ field: 'value', reason: 'value is not valid JSON' });
      expect(error.message).not.toContain('MARKER');
    });

    it('rejects a value that is not UTF-8', () => {
      expect(rejected({ ...recordFor('binary'), value: Buffer.from([0x7b, 0xff, 0x7d]) }).reason).toBe(
        'value must be UTF-8 JSON',
      );
    });

    it('rejects a structured value that is not an object', () => {
      expect(rejected({ ...recordFor('structured'), value: Buffer.from('[]') })).toMatchObject({
        field: '',
        reason: '(root) must be object',
      });
    });

    it.each(MODES)('accepts a value of exactly 1 MiB (%s)', (mode) => {
      const record = recordFor(mode, { data: validData({ padding: '' }) });
      const padded = paddedTo(record, MAX_RECORD_VALUE_BYTES);

      expect(padded.value?.length).toBe(MAX_RECORD_VALUE_BYTES);
      expect(decodeAccountEvent(padded).ok).toBe(true);
    });

    it.each(MODES)('rejects a value over 1 MiB before parsing it (%s)', (mode) => {
      const oversized = { ...recordFor(mode), value: Buffer.alloc(MAX_RECORD_VALUE_BYTES + 1, 0x20) };
      const parse = jest.spyOn(JSON, 'parse');

      try {
        expect(rejected(oversized)).toMatchObject({
          field: 'value',
          reason: `value too large (limit ${MAX_RECORD_VALUE_BYTES} bytes)`,
        });
        expect(parse).not.toHaveBeenCalled();
      } finally {
        parse.mockRestore();
      }
    });
  });

  describe('content mode and headers', () => {
    it('rejects a record that is not a CloudEvent', () => {
      const error = rejected({ ...recordFor('binary'), headers: { 'content-type': 'application/json' } });

      expect(error.field).toBe('header:ce_specversion');
      expect(error.reason).toMatch(/^not a CloudEvent/);
    });

    it('rejects a record without headers', () => {
      const { headers: _headers, ...record } = recordFor('binary');

      expect(rejected(record).field).toBe('header:ce_specversion');
    });

    it.each([
      ['batched mode', 'application/cloudevents-batch+json', 'batched content mode is not supported'],
      [
        'another event format',
        'application/cloudevents+avro',
        'structured content mode must use application/cloudevents+json',
      ],
      [
        'a non-UTF-8 structured event',
        'application/cloudevents+json; charset=iso-8859-1',
        'structured events must be UTF-8 JSON',
      ],
    ])('rejects %s', (_case, contentType, reason) => {
      const error = rejected(recordFor('structured', { headers: { 'content-type': contentType } }));

      expect(error).toMatchObject({ field: 'header:content-type', reason: expect.stringContaining(reason) });
    });

    it.each(['text/plain', 'application/json; charset=latin1', 'application/xml'])(
      'rejects binary data of type %s',
      (contentType) => {
        const error = rejected(recordFor('binary', { headers: { 'content-type': contentType } }));

        expect(error).toMatchObject({
          field: 'header:content-type',
          reason: 'header content-type must be application/json (UTF-8) in binary mode',
        });
      },
    );

    it('accepts binary data without content-type (JSON by default) and with parameters', () => {
      expect(decodeAccountEvent(recordFor('binary', { headers: { 'content-type': undefined } })).ok).toBe(
        true,
      );
      expect(
        decodeAccountEvent(
          recordFor('binary', { headers: { 'content-type': 'Application/JSON; charset=UTF-8' } }),
        ).ok,
      ).toBe(true);
    });

    it('rejects a structured datacontenttype other than JSON', () => {
      const record = recordFor('structured');
      const envelope = { ...JSON.parse(record.value!.toString()), datacontenttype: 'text/plain' };

      expect(rejected({ ...record, value: Buffer.from(JSON.stringify(envelope)) })).toMatchObject({
        field: '/datacontenttype',
      });
    });

    it('reads Buffer headers, single-element arrays and any header-name case', () => {
      const record = recordFor('binary');
      const headers = Object.fromEntries(
        Object.entries(record.headers ?? {}).map(([name, value]) => [
          name.toUpperCase(),
          [Buffer.from(String(value))],
        ]),
      );

      expect(decoded({ ...record, headers }).id).toBe('7d0c7f0e-2f6b-4b0e-9d4c-3a1f5b8e9c21');
    });

    it('rejects a repeated CloudEvents header', () => {
      const error = rejected(recordFor('binary', { headers: { ce_id: ['a', 'b'] } }));

      expect(error).toMatchObject({ field: 'header:ce_id', reason: 'header ce_id must appear at most once' });
    });

    it('rejects the same header under two spellings', () => {
      expect(rejected(recordFor('binary', { headers: { CE_ID: 'other' } })).field).toBe('header:ce_id');
    });

    it('rejects a header value that is not UTF-8', () => {
      expect(rejected(recordFor('binary', { headers: { ce_source: Buffer.from([0xff]) } })).reason).toBe(
        'header ce_source must be UTF-8',
      );
    });

    it('ignores ce_ headers in structured mode: the envelope is authoritative', () => {
      const event = decoded(recordFor('structured', { headers: { ce_id: 'from-header', ce_type: 'bogus' } }));

      expect(event.id).toBe('7d0c7f0e-2f6b-4b0e-9d4c-3a1f5b8e9c21');
    });
  });

  describe('interoperability with the CloudEvents JavaScript SDK', () => {
    const sdkEvent = () =>
      new CloudEvent({
        id: 'sdk-1',
        source: '/services/accounts',
        type: 'account.created.v1',
        time: '2025-06-01T09:30:00.000Z',
        subject: ACCOUNT_ID,
        datacontenttype: 'application/json',
        partitionkey: `${WORKSPACE_ID}:${ACCOUNT_ID}`,
        data: validData(),
      });

    it('decodes an SDK structured-mode message', () => {
      const message = Kafka.structured(sdkEvent());
      const event = decoded({
        key: Buffer.from(String(message.key)),
        value: Buffer.from(String(message.value)),
        headers: message.headers,
      });

      expect(event).toMatchObject({ mode: 'structured', id: 'sdk-1', data: { accountId: ACCOUNT_ID } });
    });

    it('decodes an SDK binary-mode message', () => {
      const message = Kafka.binary(sdkEvent());
      const event = decoded({
        key: Buffer.from(String(message.key)),
        value: Buffer.from(JSON.stringify(message.value)),
        headers: message.headers,
      });

      expect(event).toMatchObject({ mode: 'binary', id: 'sdk-1', type: 'account.created.v1' });
    });
  });

  it('never throws, whatever bytes arrive', () => {
    const random = seededRandom(42);
    const valid = recordFor('structured').value!;
    for (let round = 0; round < 2_000; round += 1) {
      const value = Buffer.from(valid);
      for (let flips = 0; flips < 1 + Math.floor(random() * 8); flips += 1) {
        value[Math.floor(random() * value.length)] = Math.floor(random() * 256);
      }
      const record = recordFor(round % 2 === 0 ? 'structured' : 'binary');

      expect(() => decodeAccountEvent({ ...record, value })).not.toThrow();
    }
  });
});

function paddedTo(record: AccountEventRecordInput, size: number): AccountEventRecordInput {
  const text = record.value!.toString();
  const filler = chars(size - Buffer.byteLength(text));
  return { ...record, value: Buffer.from(text.replace('"padding":""', `"padding":"${filler}"`)) };
}

function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}
