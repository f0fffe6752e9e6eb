import { type ServerResponse } from 'node:http';
import { type Reply } from './http.types';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Writes unless the client is already gone; false tells the request log it never got an answer. */
export function writeReply(response: ServerResponse, reply: Reply): boolean {
  if (response.destroyed || response.writableEnded) return false;
  const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
  const headers: Record<string, string | number> = {
    ...reply.headers,
    'content-length': Buffer.byteLength(body),
  };
  if (reply.body !== undefined) headers['content-type'] = JSON_TYPE;
  response.writeHead(reply.status, headers);
  response.end(body);
  return true;
}
