// Types for @numeneon/realtime/testing: a local NUMENEON-speaking server for headless tests.

export interface TestUser { id: number; username: string }
export interface TestConnection { ws: unknown; user: TestUser; token: string | null }

export interface TestServer {
  readonly port: number;
  /** ws://127.0.0.1:PORT/ws/notifications/ */
  readonly url: string;
  readonly baseUrl: string;
  readonly connections: TestConnection[];
  /** Upgrade requests seen, accepted or not. */
  readonly handshakes: number;
  readonly rejected: number;
  /** Requests to GET /api/auth/me/ (the auth probe target: 200 or 401 for the Bearer token). */
  readonly probes: number;
  /** Every JSON frame clients sent. */
  readonly received: unknown[];
  on(event: 'connection' | 'frame', fn: (...args: unknown[]) => void): () => void;
  nextConnection(): Promise<TestConnection>;
  nextFrame(): Promise<unknown>;
  /** Sends {type, data} to one user's sockets (every tab), or to all when userId is null; returns how many. */
  push(userId: number | null, type: string, data?: unknown): number;
  sendRaw(payload: string | Uint8Array, options?: { binary?: boolean }): void;
  /** Rejects later handshakes with this HTTP status (0 = accept again). */
  rejectHandshakes(status: number): void;
  setEcho(on: boolean): void;
  closeAll(code?: number, reason?: string): void;
  /** Drops every connection without a close frame (the client sees 1006). */
  terminateAll(): void;
  stop(): Promise<void>;
  /** Stops and listens again on the same port. */
  restart(): Promise<void>;
}

export declare function startTestServer(options?: {
  host?: string;
  port?: number;
  /** Token → user, or null to reject the handshake with HTTP 403. Default: any non-empty token is user 1. */
  authenticate?: (token: string | null) => TestUser | null;
}): Promise<TestServer>;
