import { Inject, Injectable } from '@nestjs/common';
import { type DataCipher } from '@vault-backup/crypto';
import { isAppError } from '@vault-backup/errors';
import { decodeAccountEvent } from '@vault-backup/event-contract';
import { type ConsumedRecord, type RecordHeaders, type TopicRangeReaderPort } from '@vault-backup/kafka';
import { BACKUP_CONFIG, type BackupConfig } from '../../config/backup.config';
import { DATA_CIPHER } from '../../crypto/crypto.tokens';
import { DEAD_LETTER_CIPHER_CONTEXT, DLQ_HEADERS } from '../../kafka/dead-letter.format';
import { TOPIC_RANGE_READER } from '../../kafka/kafka.tokens';
import { RECORD_SEALER, type RecordSealerPort } from '../../pipeline/ports/record-sealer.port';
import { type DeadLetterRange } from './replay-job';
import { type PlannedItem } from './replay-job.store';

const DLQ_HEADER_PREFIX = 'vb-dlq-';

/**
 * Turns a range of the dead-letter topic into replay items: each dead letter's original record
 * (its value decrypted when the dead letter carries it as JWE), sealed like a failure's record so a
 * job can run from the database alone. Only one item per account, its newest version: older ones
 * are skipped as superseded. A dead letter whose original was left out for size is skipped
 * (`original-omitted`: its failure record holds it); one whose value cannot be decrypted for good is
 * skipped as unreadable.
 */
@Injectable()
export class DeadLetterImporter {
  constructor(
    @Inject(TOPIC_RANGE_READER) private readonly reader: TopicRangeReaderPort,
    @Inject(DATA_CIPHER) private readonly cipher: DataCipher,
    @Inject(RECORD_SEALER) private readonly sealer: RecordSealerPort,
    @Inject(BACKUP_CONFIG) private readonly config: BackupConfig,
  ) {}

  get topic(): string {
    return this.config.kafka.dlqTopic;
  }

  async plan(range: DeadLetterRange): Promise<PlannedItem[]> {
    const deadLetters = await this.reader.read({ topic: this.topic, ...range });
    const items: PlannedItem[] = [];
    for (const deadLetter of deadLetters) {
      const workspaceId = text(deadLetter.headers, DLQ_HEADERS.workspaceId);
      if (range.workspaceId !== undefined && workspaceId !== range.workspaceId) continue;
      if (range.unattributed === true && workspaceId !== undefined) continue;
      items.push(await this.item(deadLetter, workspaceId));
    }
    return newestPerAccount(items);
  }

  private async item(deadLetter: ConsumedRecord, workspaceId: string | undefined): Promise<PlannedItem> {
    const source = `dlq:${deadLetter.topic}/${deadLetter.partition}/${deadLetter.offset}`;
    const base = {
      failureId: null,
      workspaceId: workspaceId ?? null,
      accountId: null,
      version: null,
      errorClass: text(deadLetter.headers, DLQ_HEADERS.errorClass) ?? null,
      errorCode: text(deadLetter.headers, DLQ_HEADERS.errorCode) ?? null,
      source,
    };
    const originalTopic = text(deadLetter.headers, DLQ_HEADERS.originalTopic);
    if (text(deadLetter.headers, DLQ_HEADERS.originalOmitted) !== undefined)
      return { ...base, skip: 'original-omitted' };
    if (originalTopic === undefined) return { ...base, skip: 'record-unreadable' };
    const value = await this.originalValue(deadLetter, workspaceId);
    if (value === undefined) return { ...base, skip: 'record-unreadable' };
    const original: ConsumedRecord = {
      topic: originalTopic,
      partition: Number(text(deadLetter.headers, DLQ_HEADERS.originalPartition) ?? deadLetter.partition),
      offset: text(deadLetter.headers, DLQ_HEADERS.originalOffset) ?? deadLetter.offset,
      timestamp: text(deadLetter.headers, DLQ_HEADERS.originalTimestamp) ?? deadLetter.timestamp,
      key: deadLetter.key,
      value,
      headers: originalHeaders(deadLetter.headers),
    };
    return {
      ...base,
      ...accountOf(original),
      recordCiphertext: await this.sealer.seal(original, 'backup-failure', workspaceId),
      recordWorkspaceId: workspaceId ?? null,
    };
  }

  /** The original value; undefined when it is encrypted under a key that is gone for good. */
  private async originalValue(
    deadLetter: ConsumedRecord,
    workspaceId: string | undefined,
  ): Promise<Buffer | null | undefined> {
    if (text(deadLetter.headers, DLQ_HEADERS.valueEncoding) !== 'jwe' || deadLetter.value === null)
      return deadLetter.value;
    try {
      const plaintext = await this.cipher.decrypt(
        deadLetter.value.toString(),
        DEAD_LETTER_CIPHER_CONTEXT,
        workspaceId,
      );
      return Buffer.from(plaintext);
    } catch (error) {
      if (isAppError(error) && error.retriable) throw error;
      return undefined;
    }
  }
}

function text(headers: RecordHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

function originalHeaders(headers: RecordHeaders): RecordHeaders {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !name.toLowerCase().startsWith(DLQ_HEADER_PREFIX)),
  );
}

/** The account and version the record names, when it is a valid account event. */
function accountOf(record: ConsumedRecord): Pick<PlannedItem, 'accountId' | 'version'> {
  const decoded = decodeAccountEvent(record);
  if (!decoded.ok) return { accountId: null, version: null };
  return { accountId: decoded.event.data.accountId, version: String(decoded.event.data.version) };
}

/** Of several dead letters of one account, the newest version is replayed; the older are superseded. */
function newestPerAccount(items: readonly PlannedItem[]): PlannedItem[] {
  const newest = new Map<string, PlannedItem>();
  for (const item of items) {
    if (item.skip !== undefined || item.accountId === null || item.version === null) continue;
    const key = `${item.workspaceId}:${item.accountId}`;
    const current = newest.get(key);
    if (current === undefined || BigInt(item.version) > BigInt(current.version ?? '0')) newest.set(key, item);
  }
  return items.map((item) => {
    if (item.skip !== undefined || item.accountId === null) return item;
    return newest.get(`${item.workspaceId}:${item.accountId}`) === item
      ? item
      : { ...item, skip: 'superseded' as const };
  });
}
