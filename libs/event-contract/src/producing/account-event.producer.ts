import {
  type AccountEventType,
  type AccountSecrets,
  type ContentMode,
  type FlattenedJwe,
} from '../contract/account-event.types';
import {
  type AccountEventInput,
  type AccountEventMessage,
  buildAccountEventRecord,
} from './account-event-record.builder';

/** The one producer method the helper needs; a kafkajs `Producer` satisfies it. */
export interface AccountEventSender {
  send(args: { topic: string; messages: AccountEventMessage[] }): Promise<unknown>;
}

/** Turns plaintext secrets into a JWE for the workspace key (e.g. `encryptSecretsJwe` from the crypto lib). */
export type SecretsEncryptor = (secrets: AccountSecrets) => Promise<FlattenedJwe>;

export interface AccountEventProducerOptions {
  /** CloudEvents `source` of the emitting service. */
  source: string;
  mode?: ContentMode;
  /** Topic per type when the deployment does not use the contract defaults. */
  topics?: Partial<Record<AccountEventType, string>>;
  /** When set, plaintext `data.secrets` are encrypted into `data.encryptedSecrets` before sending. */
  encryptSecrets?: SecretsEncryptor;
}

export interface EmittedAccountEvent {
  readonly topic: string;
  readonly key: string;
  readonly id: string;
}

/** Typed helper for emitting services: builds a contract-valid record and sends it. */
export class AccountEventProducer {
  constructor(
    private readonly sender: AccountEventSender,
    private readonly options: AccountEventProducerOptions,
  ) {}

  /** Resolves once the sender acknowledged; rejects with InvalidEventError before sending anything invalid. */
  async emit(event: Omit<AccountEventInput, 'source'>): Promise<EmittedAccountEvent> {
    const data = await this.encryptSecretsIfConfigured(event.data);
    const { topic, id, message } = buildAccountEventRecord(
      { ...event, data, source: this.options.source },
      { mode: this.options.mode ?? 'binary', topic: this.options.topics?.[event.type] },
    );
    await this.sender.send({ topic, messages: [message] });
    return { topic, key: message.key, id };
  }

  private async encryptSecretsIfConfigured(
    data: AccountEventInput['data'],
  ): Promise<AccountEventInput['data']> {
    const { encryptSecrets } = this.options;
    // With both present the record is invalid; leave it so the builder reports it rather than hide it.
    if (!encryptSecrets || !data.secrets || data.encryptedSecrets) return data;
    const { secrets, ...rest } = data;
    return { ...rest, encryptedSecrets: await encryptSecrets(secrets) };
  }
}
