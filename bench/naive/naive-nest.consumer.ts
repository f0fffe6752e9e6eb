import { Controller, Inject, Injectable, Logger, Module, type OnModuleDestroy } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { Pool } from 'pg';
import { Secret } from '@vault-backup/config';
import {
  CyberArkClientFactory,
  type JsonPatchOp,
  type NewCyberArkAccount,
  type PropertyValue,
} from '@vault-backup/cyberark';
import { type AccountEvent, decodeAccountEvent } from '@vault-backup/event-contract';
import { NAIVE_ENV, NAIVE_STATE_TABLE, type NaiveTarget } from './naive-env';

/**
 * The baseline of the issue: what a straightforward NestJS consumer does. The built-in Kafka
 * transport hands over one message at a time (`eachMessage`, one partition at a time); per message
 * it decodes the event, makes one CyberArk call (add the account, or patch it) and upserts one
 * PostgreSQL row. No batching, no concurrency, no diffing.
 */

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (the bench sets it)`);
  return value;
}

// Decorators are evaluated when the class is defined, so the topic names come from the environment here.
const CREATED_TOPIC = process.env[NAIVE_ENV.createdTopic] ?? 'account-created';
const UPDATED_TOPIC = process.env[NAIVE_ENV.updatedTopic] ?? 'account-updated';

const NAIVE_TARGETS = Symbol('NAIVE_TARGETS');
const NAIVE_POOL = Symbol('NAIVE_POOL');

interface Known {
  readonly version: number;
  readonly cyberArkAccountId: string;
}

@Injectable()
export class NaiveBackupHandler {
  private readonly logger = new Logger(NaiveBackupHandler.name);
  private readonly factory = new CyberArkClientFactory({ timeoutMs: 10_000, retry: { retries: 2 } });
  /** CyberArk ids of the accounts created so far (saves a database read per update). */
  private readonly known = new Map<string, Known>();

  constructor(
    @Inject(NAIVE_TARGETS) private readonly targets: ReadonlyMap<string, NaiveTarget>,
    @Inject(NAIVE_POOL) private readonly pool: Pool,
  ) {}

  async handle(context: KafkaContext): Promise<void> {
    const message = context.getMessage();
    const key = message.key as Buffer | string | null;
    const result = decodeAccountEvent({
      key: typeof key === 'string' ? Buffer.from(key, 'utf8') : key,
      value: message.value,
      headers: message.headers,
    });
    if (!result.ok) {
      this.logger.warn(`invalid event: ${result.error.message}`);
      return;
    }
    const { data } = result.event;
    const target = this.targets.get(data.workspaceId);
    if (!target) return;
    const accountKey = `${data.workspaceId}:${data.accountId}`;
    const known = this.known.get(accountKey);
    if (known && known.version >= data.version) return;
    const client = this.factory.forTenant({
      identityUrl: target.identityUrl,
      privilegeCloudUrl: target.privilegeCloudUrl,
      clientId: target.clientId,
      clientSecret: new Secret(target.clientSecret),
    });
    let cyberArkAccountId: string;
    if (known) {
      await client.updateAccount(known.cyberArkAccountId, patchOf(result.event));
      cyberArkAccountId = known.cyberArkAccountId;
    } else {
      // An update seen before its create (the two topics are read independently) creates the account.
      cyberArkAccountId = (await client.addAccount(newAccountOf(result.event, target))).account.id;
    }
    this.known.set(accountKey, { version: data.version, cyberArkAccountId });
    await this.pool.query(
      `INSERT INTO ${NAIVE_STATE_TABLE} (workspace_id, account_id, applied_version, cyberark_account_id)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (workspace_id, account_id) DO UPDATE
          SET applied_version = EXCLUDED.applied_version, cyberark_account_id = EXCLUDED.cyberark_account_id,
              updated_at = now()
        WHERE ${NAIVE_STATE_TABLE}.applied_version < EXCLUDED.applied_version`,
      [data.workspaceId, data.accountId, data.version, cyberArkAccountId],
    );
  }

  dispose(): void {
    this.factory.disposeAll();
  }
}

@Controller()
export class NaiveAccountEventsController {
  constructor(private readonly handler: NaiveBackupHandler) {}

  @EventPattern<string>(CREATED_TOPIC)
  created(@Ctx() context: KafkaContext): Promise<void> {
    return this.handler.handle(context);
  }

  @EventPattern<string>(UPDATED_TOPIC)
  updated(@Ctx() context: KafkaContext): Promise<void> {
    return this.handler.handle(context);
  }
}

@Module({
  controllers: [NaiveAccountEventsController],
  providers: [
    NaiveBackupHandler,
    {
      provide: NAIVE_TARGETS,
      useFactory: () =>
        new Map(
          (JSON.parse(required(NAIVE_ENV.targets)) as NaiveTarget[]).map((target) => [
            target.workspaceId,
            target,
          ]),
        ),
    },
    {
      provide: NAIVE_POOL,
      useFactory: () => new Pool({ connectionString: required(NAIVE_ENV.databaseUrl), max: 2 }),
    },
  ],
})
export class NaiveModule implements OnModuleDestroy {
  constructor(
    private readonly handler: NaiveBackupHandler,
    @Inject(NAIVE_POOL) private readonly pool: Pool,
  ) {}

  async onModuleDestroy(): Promise<void> {
    this.handler.dispose();
    await this.pool.end();
  }
}

export function naiveKafkaOptions(): {
  brokers: string[];
  groupId: string;
} {
  return { brokers: required(NAIVE_ENV.brokers).split(','), groupId: required(NAIVE_ENV.groupId) };
}

const BACKUP_CODES_PROPERTY = 'backupCodes';

function propertiesOf(event: AccountEvent): Record<string, PropertyValue> {
  const { data } = event;
  const properties: Record<string, PropertyValue | undefined> = {
    accountId: data.accountId,
    provider: data.provider,
    label: data.label,
    url: data.url,
    email: data.email,
    phone: data.phone,
    totpSecret: data.secrets?.totpSecret,
    [BACKUP_CODES_PROPERTY]: data.secrets?.backupCodes
      ? new Secret(JSON.stringify(data.secrets.backupCodes.reveal()))
      : undefined,
  };
  return Object.fromEntries(
    Object.entries(properties).filter((entry): entry is [string, PropertyValue] => entry[1] !== undefined),
  );
}

function newAccountOf(event: AccountEvent, target: NaiveTarget): NewCyberArkAccount {
  const { data } = event;
  return {
    name: `vb.${data.workspaceId}.${data.accountId}`,
    safeName: target.safeName,
    platformId: target.platformId,
    address: data.url ? new URL(data.url).hostname : data.provider,
    ...(data.username ? { userName: data.username } : {}),
    secretType: 'password',
    ...(data.secrets?.password ? { secret: data.secrets.password } : {}),
    platformAccountProperties: propertiesOf(event),
    secretManagement: { automaticManagementEnabled: false, manualManagementReason: 'naive baseline' },
  };
}

/** Every property again (the naive consumer does not know what changed): still a single PATCH. */
function patchOf(event: AccountEvent): JsonPatchOp[] {
  return Object.entries(propertiesOf(event)).map(([name, value]) => ({
    op: 'add',
    path: `/platformAccountProperties/${name}`,
    value,
  }));
}
