import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import envelopeSchema from '../schemas/account-cloudevent.v1.schema.json';
import dataSchema from '../schemas/account-event-data.v1.schema.json';
import { type AccountEvent, type KafkaHeaders, decodeAccountEvent, validateFlattenedJwe } from '../src';

const EXAMPLES = readdirSync(__dirname).filter((file) => file.endsWith('.json'));

function readExample(file: string): {
  raw: Buffer;
  envelope: Record<string, unknown> & { data: Record<string, unknown> };
} {
  const raw = readFileSync(join(__dirname, file));
  return { raw, envelope: JSON.parse(raw.toString('utf8')) };
}

function keyOf(envelope: { data: Record<string, unknown> }): Buffer {
  return Buffer.from(`${String(envelope.data.workspaceId)}:${String(envelope.data.accountId)}`);
}

function decodeAs(mode: 'binary' | 'structured', file: string): AccountEvent {
  const { raw, envelope } = readExample(file);
  const record =
    mode === 'structured'
      ? { key: keyOf(envelope), value: raw, headers: { 'content-type': 'application/cloudevents+json' } }
      : {
          key: keyOf(envelope),
          value: Buffer.from(JSON.stringify(envelope.data)),
          headers: binaryHeaders(envelope),
        };
  const result = decodeAccountEvent(record);
  if (!result.ok) throw new Error(`${file} (${mode}): ${result.error.reason}`);
  return result.event;
}

function binaryHeaders(envelope: Record<string, unknown>): KafkaHeaders {
  const headers: KafkaHeaders = { 'content-type': 'application/json' };
  for (const name of ['specversion', 'id', 'source', 'type', 'time', 'subject', 'traceparent']) {
    const value = envelope[name];
    if (typeof value === 'string') headers[name === 'traceparent' ? name : `ce_${name}`] = value;
  }
  return headers;
}

describe('examples', () => {
  it('covers created, updated, encryptedSecrets and plaintext secrets', () => {
    expect(EXAMPLES.sort()).toEqual([
      'account-created-encrypted-secrets.json',
      'account-created.json',
      'account-updated-plaintext-secrets.json',
      'account-updated.json',
    ]);
  });

  describe.each(EXAMPLES)('%s', (file) => {
    it('is valid against the published JSON Schemas (fresh, strict ajv)', () => {
      const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
      addFormats(ajv);
      ajv.addSchema(dataSchema);
      const validate = ajv.compile(envelopeSchema);

      expect(validate(readExample(file).envelope)).toBe(true);
    });

    it.each(['binary', 'structured'] as const)('decodes in %s mode', (mode) => {
      const { envelope } = readExample(file);
      const event = decodeAs(mode, file);

      expect(event).toMatchObject({ id: envelope.id, type: envelope.type, subject: envelope.subject, mode });
    });
  });

  it('carries a trace context in account-created.json', () => {
    expect(decodeAs('structured', 'account-created.json').traceparent).toBe(
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    );
  });

  it('has a real RSA-OAEP-256/A256GCM JWE with a versioned Key Vault kid in account-created-encrypted-secrets.json', () => {
    const { encryptedSecrets } = decodeAs('binary', 'account-created-encrypted-secrets.json').data;

    expect(validateFlattenedJwe(encryptedSecrets)).toMatchObject({
      ok: true,
      header: {
        alg: 'RSA-OAEP-256',
        enc: 'A256GCM',
        kid: expect.stringMatching(/^https:\/\/[^/]+\.vault\.azure\.net\/keys\/[^/]+\/[0-9a-f]{32}$/),
      },
    });
  });

  it('follows the JWE profile in account-created-encrypted-secrets.json: RSA 4096, protected header only', () => {
    const { encryptedSecrets } = readExample('account-created-encrypted-secrets.json').envelope.data as {
      encryptedSecrets: Record<string, string>;
    };
    const header: unknown = JSON.parse(Buffer.from(encryptedSecrets.protected, 'base64url').toString('utf8'));

    expect(Object.keys(encryptedSecrets).sort()).toEqual([
      'ciphertext',
      'encrypted_key',
      'iv',
      'protected',
      'tag',
    ]);
    expect(Object.keys(header as object)).toEqual(['alg', 'enc', 'kid']);
    expect(Buffer.from(encryptedSecrets.encrypted_key, 'base64url')).toHaveLength(512);
  });

  it('wraps the plaintext secrets of account-updated-plaintext-secrets.json', () => {
    const event = decodeAs('binary', 'account-updated-plaintext-secrets.json');

    expect(event.data.secrets?.password?.reveal()).toBe('example-only-not-a-real-password');
    expect(JSON.stringify(event)).not.toContain('example-only-not-a-real-password');
  });
});
