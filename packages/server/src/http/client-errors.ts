// What Node's HTTP parser refuses before any route sees it, answered in the standard body.
import type { Duplex, Writable } from 'node:stream';
import { REASON_PHRASES } from '@bbk/sdk/protocol';
import { errorBody } from '../errors.js';

/** A raw HTTP response in the standard body, written straight to a socket. */
function rawErrorResponse(status: number, reason: string): string {
  const body = JSON.stringify(errorBody(status, status === 400 ? [{ name: 'request', index: null, reason }] : ''));
  return [
    `HTTP/1.1 ${status} ${REASON_PHRASES[status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Access-Control-Allow-Origin: *',
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * Answers what Node's HTTP parser rejects before any route sees it (malformed framing,
 * conflicting lengths, bad chunks, bare LF, unknown methods, headers over the limit, slow
 * clients): the standard error body, then the connection is closed, as the framing can no
 * longer be trusted.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  // once answered, what the client still sends fails to parse again: one answer per connection
  if (answered.has(socket)) return;
  answered.add(socket);
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  // Node's parser messages are fixed texts ("Parse Error: Duplicate Content-Length"), never input
  const answer = () => lingeringClose(socket, rawErrorResponse(status, err.message));
  // A pipelined request before the bad one, read in full, is still being answered: its answer
  // goes out first. (When the bad bytes are the in-flight request's own body, it never will be.)
  const inFlight = (socket as Duplex & { _httpMessage?: Writable & { req?: { complete?: boolean } } })._httpMessage;
  if (inFlight && !inFlight.writableFinished && inFlight.req?.complete === true) {
    const fallback = setTimeout(() => socket.destroy(), LINGER_MS * 5);
    inFlight.once('finish', () => {
      clearTimeout(fallback);
      answer();
    });
    inFlight.once('close', () => {
      clearTimeout(fallback);
      if (!socket.destroyed && socket.writable) answer();
    });
  } else answer();
}

/** Connections already given their last answer by {@link clientErrorHandler}. */
const answered = new WeakSet<Duplex>();

/** How long a closing connection keeps reading (and dropping) what the client still sends. */
const LINGER_MS = 2000;

/**
 * Writes a last answer and closes the connection without resetting it: the client may still be
 * sending a large body, and closing a socket with unread data makes the kernel send a reset that
 * can destroy the answer before the client reads it. So the write side is ended, what arrives is
 * read and dropped, and the socket is destroyed once the client closes or after LINGER_MS.
 */
function lingeringClose(socket: Duplex, answer: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.on('end', () => socket.destroy());
  socket.on('close', () => clearTimeout(timer));
  socket.on('error', () => socket.destroy());
  socket.end(answer);
  socket.resume();
}

/**
 * Answers a `CONNECT` (a tunnel request, which Node hands to a `connect` listener and, without one, drops with no
 * answer): bbk is no proxy, so 405 in the standard body, then the connection is closed.
 */
export function refuseConnect(_req: unknown, socket: Duplex): void {
  if (socket.destroyed) return;
  lingeringClose(socket, rawErrorResponse(405, ''));
}
