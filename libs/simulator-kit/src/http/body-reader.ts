import { type IncomingMessage } from 'node:http';
import { AppError } from '@vault-backup/errors';

export const MAX_BODY_BYTES = 1024 * 1024;

export class PayloadTooLargeError extends AppError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  readonly retriable = false;
}

/**
 * Reads the whole request body as UTF-8; bodies here are small JSON or form documents. Past `limit`
 * bytes it rejects with PayloadTooLargeError and drains the rest, so the caller can still answer.
 */
export function readBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        reject(new PayloadTooLargeError(`request body larger than ${limit} bytes`));
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () =>
      resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8')),
    );
    request.on('error', reject);
  });
}
