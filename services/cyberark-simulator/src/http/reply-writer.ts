import { type ServerResponse } from 'node:http';
import { type SimulatedReply } from '../faults/fault.types';
import { type Reply } from './http.types';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Returns false when the client was already gone, so the request log can say it never got an answer. */
export function writeReply(response: ServerResponse, reply: Reply): boolean {
  if (reply.body === undefined)
    return writeRaw(response, { status: reply.status, headers: reply.headers ?? {} });
  const body = JSON.stringify(reply.body);
  return writeRaw(response, {
    status: reply.status,
    headers: { 'content-type': JSON_TYPE, ...reply.headers },
    body,
  });
}

/** Writes unless the client is already gone (it may have given up during an injected delay). */
export function writeRaw(response: ServerResponse, reply: SimulatedReply): boolean {
  if (response.destroyed || response.writableEnded) return false;
  const body = reply.body ?? '';
  response.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(body) });
  response.end(body);
  return true;
}
