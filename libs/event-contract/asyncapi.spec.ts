import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ACCOUNT_CLOUDEVENT_SCHEMA_ID,
  ACCOUNT_EVENT_DATA_SCHEMA_ID,
  DEFAULT_ACCOUNT_EVENT_TOPICS,
} from './src';

// No YAML parser is a dependency of this repository, so these checks read the text: they guard the
// links between asyncapi.yaml, the schemas and the constants, not the AsyncAPI grammar.
const asyncapi = readFileSync(join(__dirname, 'asyncapi.yaml'), 'utf8');

describe('asyncapi.yaml', () => {
  it('is an AsyncAPI 3.0.0 document', () => {
    expect(asyncapi).toMatch(/^asyncapi: 3\.0\.0$/m);
  });

  it('declares a channel for every default topic', () => {
    for (const topic of DEFAULT_ACCOUNT_EVENT_TOPICS)
      expect(asyncapi).toMatch(new RegExp(`^\\s+address: ${topic}$`, 'm'));
  });

  it('references the published schema files, whose $ids are the ones the validator uses', () => {
    const files = [...asyncapi.matchAll(/\$ref: (\.\/[^\s']+)/g)].map((match) => match[1]);
    const ids = files.map((file) => {
      const path = join(__dirname, file);
      expect(existsSync(path)).toBe(true);
      return (JSON.parse(readFileSync(path, 'utf8')) as { $id: string }).$id;
    });

    expect(new Set(ids)).toEqual(new Set([ACCOUNT_EVENT_DATA_SCHEMA_ID, ACCOUNT_CLOUDEVENT_SCHEMA_ID]));
  });

  it('resolves every local reference to a defined component or channel', () => {
    const refs = [...asyncapi.matchAll(/\$ref: '#\/([^']+)'/g)].map((match) => match[1]);

    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const name = ref.split('/').pop()!;
      expect(asyncapi).toMatch(new RegExp(`^\\s+${name}:$`, 'm'));
    }
  });

  it('shows the same encryptedSecrets JWE as examples/account-created-encrypted-secrets.json', () => {
    const example = JSON.parse(
      readFileSync(join(__dirname, 'examples', 'account-created-encrypted-secrets.json'), 'utf8'),
    ) as { data: { encryptedSecrets: Record<string, string> } };
    const members = Object.entries(example.data.encryptedSecrets);

    expect(members).toHaveLength(5);
    for (const [member, value] of members)
      expect(asyncapi).toMatch(new RegExp(`^\\s+${member}: ${value}$`, 'm'));
  });

  it('describes both content modes and the key', () => {
    expect(asyncapi).toContain('contentType: application/cloudevents+json');
    expect(asyncapi).toContain('contentType: application/json');
    expect(asyncapi).toContain('ce_specversion');
    expect(asyncapi).toContain('pattern: ^[A-Za-z0-9_-]{1,64}:[A-Za-z0-9_-]{1,64}$');
  });
});
