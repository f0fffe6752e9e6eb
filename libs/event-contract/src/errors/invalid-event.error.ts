import { AppError } from '@vault-backup/errors';

/**
 * A record that breaks the account-event contract. Permanent: the same bytes will fail again, so the
 * consumer dead-letters it. `field` locates the problem (a JSON pointer into the CloudEvent such as
 * `/data/version`, or `key`, `value`, `header:<name>`); `reason` states the rule. Neither ever carries
 * the offending value, which may be a secret.
 */
export class InvalidEventError extends AppError {
  readonly code = 'EVENT_INVALID';
  readonly retriable = false;

  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`invalid account event: ${reason}`);
  }

  override toJSON(): ReturnType<AppError['toJSON']> & { field: string; reason: string } {
    return { ...super.toJSON(), field: this.field, reason: this.reason };
  }
}
