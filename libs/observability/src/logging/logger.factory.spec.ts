import { Writable } from 'node:stream';
import { Secret } from '@vault-backup/config';
import { createLogger } from './logger.factory';

function captureLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger({ name: 'test', level: 'info' }, sink), lines };
}

describe('createLogger', () => {
  it('writes one JSON object per line with level label and service name', () => {
    const { logger, lines } = captureLogger();
    logger.info({ workspaceId: 'ws-1' }, 'hello');
    const line = JSON.parse(lines[0] ?? '{}');
    expect(line).toMatchObject({ level: 'info', service: 'test', msg: 'hello', workspaceId: 'ws-1' });
  });

  it('redacts secret-bearing fields wherever they appear', () => {
    const { logger, lines } = captureLogger();
    logger.info(
      {
        body: { clientSecret: 'cs-123', password: 'pw-456', NewCredentials: 'nc-789' },
        data: { secrets: { totpSecret: 'totp' }, access_token: 'at-0aa1' },
        req: { headers: { authorization: 'Bearer abc' } },
      },
      'request',
    );
    const text = lines.join('');
    for (const leaked of ['cs-123', 'pw-456', 'nc-789', 'totp', 'at-0aa1', 'Bearer abc']) {
      expect(text).not.toContain(leaked);
    }
    expect(text).toContain('[redacted]');
  });

  it('never prints a Secret value', () => {
    const { logger, lines } = captureLogger();
    logger.info({ config: { anything: new Secret('super-secret-value') } }, 'config');
    expect(lines.join('')).not.toContain('super-secret-value');
  });
});
