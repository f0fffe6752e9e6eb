import { Secret } from '@vault-backup/config';
import {
  type BreakerState,
  type CyberArkClientObserver,
  type RequestOutcome,
  type TokenRequestOutcome,
} from '../cyberark.observer';
import { type TenantConnection } from '../cyberark.types';
import { type CyberArkClientOptions } from '../client/cyberark-client.options';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, type FakePrivilegeCloud } from './fake-privilege-cloud.server';

export function connectionTo(
  fake: FakePrivilegeCloud,
  overrides: Partial<TenantConnection> = {},
): TenantConnection {
  return {
    identityUrl: fake.identityUrl,
    privilegeCloudUrl: fake.privilegeCloudUrl,
    clientId: FAKE_CLIENT_ID,
    clientSecret: new Secret(FAKE_CLIENT_SECRET),
    ...overrides,
  };
}

/** Short delays so retry tests take milliseconds, not seconds. */
export const FAST: CyberArkClientOptions = {
  timeoutMs: 2_000,
  retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryTimeMs: 5_000 },
};

export interface RecordedRequest {
  readonly method: string;
  readonly route: string;
  readonly outcome: RequestOutcome;
}

export class RecordingObserver implements CyberArkClientObserver {
  readonly requests: RecordedRequest[] = [];
  readonly tokens: TokenRequestOutcome[] = [];
  readonly states: BreakerState[] = [];
  readonly retries: { attempt: number; reason: RequestOutcome; delayMs: number }[] = [];
  readonly warnings: string[] = [];

  onRequest(_tenant: string, method: string, route: string, outcome: RequestOutcome): void {
    this.requests.push({ method, route, outcome });
  }

  onTokenRequest(_tenant: string, outcome: TokenRequestOutcome): void {
    this.tokens.push(outcome);
  }

  onBreakerStateChange(_tenant: string, state: BreakerState): void {
    this.states.push(state);
  }

  onRetry(
    _tenant: string,
    _method: string,
    _route: string,
    attempt: number,
    reason: RequestOutcome,
    delayMs: number,
  ): void {
    this.retries.push({ attempt, reason, delayMs });
  }

  onWarning(_tenant: string, message: string): void {
    this.warnings.push(message);
  }
}

export async function expectRejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
