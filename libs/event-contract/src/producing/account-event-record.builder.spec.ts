import {
  ACCOUNT_ID,
  VALID_TRACEPARENT,
  WORKSPACE_ID,
  validData,
  validJwe,
} from '../../test/account-event.fixtures';
import { type AccountEvent, type AccountEventData, type ContentMode } from '../contract/account-event.types';
import { decodeAccountEvent } from '../decoding/account-event.decoder';
import { InvalidEventError } from '../errors/invalid-event.error';
import {
  type AccountEventInput,
  type AccountEventRecord,
  buildAccountEventRecord,
} from './account-event-record.builder';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function input(overrides: Partial<AccountEventInput> = {}): AccountEventInput {
  return {
    type: 'account.updated.v1',
    source: '/services/accounts',
    data: validData({ secrets: { password: 'pw', totpSecret: 'JBSWY3DPEHPK3PXP', backupCodes: ['1', '2'] } }),
    id: 'evt-1',
    time: '2025-06-01T09:30:00Z',
    ...overrides,
  };
}

function decode(record: AccountEventRecord): AccountEvent {
  const result = decodeAccountEvent({
    key: Buffer.from(record.message.key),
    value: Buffer.from(record.message.value),
    headers: record.message.headers,
  });
  if (!result.ok) throw result.error;
  return result.event;
}

/** The decoded data with secrets revealed, to compare with what was sent. */
function revealed(event: AccountEvent): AccountEventData {
  const { secrets, ...rest } = event.data;
  if (!secrets) return rest;
  return {
    ...rest,
    secrets: {
      password: secrets.password?.reveal(),
      totpSecret: secrets.totpSecret?.reveal(),
      backupCodes: secrets.backupCodes?.reveal() as string[],
    },
  };
}

describe('buildAccountEventRecord', () => {
  describe.each<ContentMode>(['binary', 'structured'])('%s mode', (mode) => {
    it('round-trips: decoding the built record yields the same event', () => {
      const sent = input({ traceparent: VALID_TRACEPARENT });
      const record = buildAccountEventRecord(sent, { mode });
      const event = decode(record);

      expect(event).toMatchObject({
        mode,
        id: sent.id,
        source: sent.source,
        type: sent.type,
        time: sent.time,
        subject: ACCOUNT_ID,
        key: `${WORKSPACE_ID}:${ACCOUNT_ID}`,
        traceparent: VALID_TRACEPARENT,
      });
      expect(revealed(event)).toEqual(sent.data);
    });

    it('round-trips encryptedSecrets unchanged', () => {
      const data = validData({ encryptedSecrets: validJwe() });

      expect(decode(buildAccountEventRecord(input({ data }), { mode })).data.encryptedSecrets).toEqual(
        validJwe(),
      );
    });
  });

  it('builds binary mode by default, with ce_ headers, JSON content-type and the data as the value', () => {
    const record = buildAccountEventRecord(input());

    expect(record.topic).toBe('account-updated');
    expect(record.message.key).toBe(`${WORKSPACE_ID}:${ACCOUNT_ID}`);
    expect(record.message.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: 'evt-1',
      ce_source: '/services/accounts',
      ce_type: 'account.updated.v1',
      ce_time: '2025-06-01T09:30:00Z',
      ce_subject: ACCOUNT_ID,
      'content-type': 'application/json',
    });
    expect(JSON.parse(record.message.value)).toEqual(input().data);
  });

  it('builds structured mode with the whole envelope as the value', () => {
    const record = buildAccountEventRecord(input({ type: 'account.created.v1' }), { mode: 'structured' });

    expect(record.topic).toBe('account-created');
    expect(record.message.headers).toEqual({ 'content-type': 'application/cloudevents+json' });
    expect(JSON.parse(record.message.value)).toMatchObject({
      specversion: '1.0',
      id: 'evt-1',
      datacontenttype: 'application/json',
    });
  });

  it('defaults the id to a UUID v4 and the time to now', () => {
    const before = Date.now();
    const record = buildAccountEventRecord(input({ id: undefined, time: undefined }));
    const event = decode(record);

    expect(event.id).toMatch(UUID_V4);
    expect(record.id).toBe(event.id);
    expect(Date.parse(event.time)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(event.time)).toBeLessThanOrEqual(Date.now());
  });

  it('formats a Date time as RFC 3339 UTC', () => {
    const record = buildAccountEventRecord(input({ time: new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 6)) }));

    expect(record.message.headers.ce_time).toBe('2025-01-02T03:04:05.006Z');
  });

  it('drops a malformed traceparent instead of failing', () => {
    const record = buildAccountEventRecord(input({ traceparent: 'garbage' }));

    expect(record.message.headers).not.toHaveProperty('traceparent');
  });

  it('uses the topic it is given', () => {
    expect(buildAccountEventRecord(input(), { topic: 'prod.account-updated' }).topic).toBe(
      'prod.account-updated',
    );
  });

  it('throws the consumer’s InvalidEventError for an input the consumer would reject', () => {
    const build = () => buildAccountEventRecord(input({ data: validData({ version: 0 }) }));

    expect(build).toThrow(InvalidEventError);
    expect(build).toThrow('/data/version must be integer >= 1');
  });
});
