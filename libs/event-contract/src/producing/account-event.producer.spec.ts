import { type Producer } from 'kafkajs';
import { ACCOUNT_ID, WORKSPACE_ID, validData, validJwe } from '../../test/account-event.fixtures';
import { decodeAccountEvent } from '../decoding/account-event.decoder';
import { InvalidEventError } from '../errors/invalid-event.error';
import { type AccountEventMessage } from './account-event-record.builder';
import { AccountEventProducer, type AccountEventSender } from './account-event.producer';

function fakeSender() {
  const sent: Array<{ topic: string; messages: AccountEventMessage[] }> = [];
  const sender: AccountEventSender = {
    send: jest.fn((args: { topic: string; messages: AccountEventMessage[] }) => {
      sent.push(args);
      return Promise.resolve([]);
    }),
  };
  return { sender, sent };
}

describe('AccountEventProducer', () => {
  it('accepts a kafkajs Producer as its sender', () => {
    // Compile-time check: this assignment fails type checking if the port drifts from kafkajs.
    const asSender = (producer: Producer): AccountEventSender => producer;

    expect(asSender).toBeInstanceOf(Function);
  });

  it('sends one contract-valid record to the topic of the type and reports what it sent', async () => {
    const { sender, sent } = fakeSender();
    const producer = new AccountEventProducer(sender, { source: '/services/accounts' });

    const emitted = await producer.emit({ type: 'account.created.v1', data: validData() });

    expect(sent).toHaveLength(1);
    expect(sent[0]?.topic).toBe('account-created');
    expect(emitted).toEqual({
      topic: 'account-created',
      key: `${WORKSPACE_ID}:${ACCOUNT_ID}`,
      id: sent[0]?.messages[0]?.headers.ce_id,
    });
    const [message] = sent[0].messages;
    const decoded = decodeAccountEvent({
      key: Buffer.from(message.key),
      value: Buffer.from(message.value),
      headers: message.headers,
    });
    expect(decoded).toMatchObject({ ok: true, event: { mode: 'binary', source: '/services/accounts' } });
  });

  it('honours the configured mode and topics', async () => {
    const { sender, sent } = fakeSender();
    const producer = new AccountEventProducer(sender, {
      source: '/services/accounts',
      mode: 'structured',
      topics: { 'account.updated.v1': 'eu.account-updated' },
    });

    const emitted = await producer.emit({ type: 'account.updated.v1', data: validData() });

    expect(sent[0]?.topic).toBe('eu.account-updated');
    expect(sent[0]?.messages[0]?.headers['content-type']).toBe('application/cloudevents+json');
    expect(emitted.id).toBe(JSON.parse(sent[0].messages[0].value).id);
  });

  it('sends nothing and rejects with InvalidEventError for an invalid event', async () => {
    const { sender } = fakeSender();
    const producer = new AccountEventProducer(sender, { source: '' });

    await expect(producer.emit({ type: 'account.created.v1', data: validData() })).rejects.toBeInstanceOf(
      InvalidEventError,
    );
    expect(sender.send).not.toHaveBeenCalled();
  });

  it('encrypts plaintext secrets when an encryptor is configured', async () => {
    const { sender, sent } = fakeSender();
    const encryptSecrets = jest.fn(() => Promise.resolve(validJwe()));
    const producer = new AccountEventProducer(sender, { source: '/services/accounts', encryptSecrets });

    await producer.emit({ type: 'account.created.v1', data: validData({ secrets: { password: 'pw' } }) });

    expect(encryptSecrets).toHaveBeenCalledWith({ password: 'pw' });
    const value = JSON.parse(sent[0].messages[0].value);
    expect(value).not.toHaveProperty('secrets');
    expect(value.encryptedSecrets).toEqual(validJwe());
  });

  it('propagates a send failure', async () => {
    const sender: AccountEventSender = { send: () => Promise.reject(new Error('broker down')) };
    const producer = new AccountEventProducer(sender, { source: '/services/accounts' });

    await expect(producer.emit({ type: 'account.created.v1', data: validData() })).rejects.toThrow(
      'broker down',
    );
  });
});
