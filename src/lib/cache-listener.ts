import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import type { Logger } from './logger.ts';

export interface ListenerEvents {
  /** A notification on the channel (its payload). */
  changed: (payload: string) => void;
  /** The connection is listening (again): nothing heard before can be trusted to be complete. */
  listening: () => void;
  /** The connection failed, closed or went silent: notifications may be missed from now on. */
  lost: () => void;
}

interface Connection {
  client: pg.Client;
  socket?: net.Socket;
}

const RECONNECT_MS = 1000;
const CLOSE_WAIT_MS = 1000;

/**
 * A connection that LISTENs on `channel` and proves every `heartbeatMs` that it still hears: it
 * NOTIFYs a channel of its own and expects to hear that within another `heartbeatMs`. A NAT box
 * or firewall that forgets an idle connection drops it without a word (no error, no close);
 * TCP keepalive makes that rarer, the heartbeat makes it noticed: the connection is then called
 * lost (the cache stops trusting itself), cut, and made again once a second until it works.
 */
export function listenForChanges(options: {
  connectionString: string;
  channel: string;
  heartbeatMs: number;
  logger: Logger;
  on: ListenerEvents;
}): { close: () => Promise<void> } {
  const { channel, heartbeatMs, logger, on } = options;
  // Unique to this connection: other processes never hear our heartbeats.
  const aliveChannel = `cache_alive_${randomBytes(8).toString('hex')}`;
  let current: Connection | undefined;
  let closed = false;
  let wasLost = false;
  let beat: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let connecting: Promise<void> | undefined;

  const cut = (connection: Connection) => {
    connection.socket?.destroy();
    void connection.client.end().catch(() => undefined);
  };

  const lose = (connection: Connection, reason: string) => {
    if (connection !== current) return;
    current = undefined;
    clearTimeout(beat);
    wasLost = true;
    logger.warn({ channel, reason }, 'cache listener lost; reading the database until it is back');
    on.lost();
    cut(connection);
    scheduleReconnect();
  };

  const scheduleBeat = (connection: Connection) => {
    clearTimeout(beat);
    beat = setTimeout(() => {
      if (connection !== current) return;
      beat = setTimeout(() => lose(connection, 'heartbeat not heard'), heartbeatMs);
      beat.unref();
      // A failed or timed-out query is left to the deadline above.
      connection.client.query(`NOTIFY ${aliveChannel}`).catch(() => undefined);
    }, heartbeatMs);
    beat.unref();
  };

  const scheduleReconnect = () => {
    if (closed) return;
    retry = setTimeout(() => {
      connecting = connect();
    }, RECONNECT_MS);
    retry.unref();
  };

  const connect = async (): Promise<void> => {
    const holder: { socket?: net.Socket } = {};
    const client = new pg.Client({
      connectionString: options.connectionString,
      application_name: `eservices-${channel}`,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: heartbeatMs,
      query_timeout: heartbeatMs,
      // Kept so that a silent connection can be cut at once, without a goodbye it would wait on.
      stream: () => (holder.socket = new net.Socket()),
    });
    const connection: Connection = { client, socket: holder.socket };
    client.on('notification', (message) => {
      if (message.channel === aliveChannel) {
        if (connection === current) scheduleBeat(connection);
      } else on.changed(message.payload ?? '');
    });
    client.on('error', (error) => lose(connection, error.message));
    client.on('end', () => lose(connection, 'connection closed'));
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
      await client.query(`LISTEN ${aliveChannel}`);
    } catch (error) {
      cut(connection);
      // One line per outage, not one a second.
      if (!wasLost)
        logger.warn({ channel, err: (error as Error).message }, 'cache listener failed');
      wasLost = true;
      scheduleReconnect();
      return;
    }
    if (closed) {
      cut(connection);
      return;
    }
    current = connection;
    on.listening();
    if (wasLost) logger.info({ channel }, 'cache listener back');
    wasLost = false;
    scheduleBeat(connection);
  };
  connecting = connect();

  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      clearTimeout(beat);
      await connecting;
      const connection = current;
      current = undefined;
      if (!connection) return;
      // A goodbye that is not answered in a second is not waited for.
      await Promise.race([
        connection.client.end().catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref()),
      ]);
      connection.socket?.destroy();
    },
  };
}
