// Types for @numeneon/realtime/react. Frame handlers are typed by EventMap (extend it by declaration
// merging on '@numeneon/realtime' to add your own frame types).
import type { ReactNode } from 'react';
import type {
  ClientEvents, ClientOptions, ConnectionStatus, EventType, Handler, RealtimeClient, State, StateChange, Unsubscribe,
  WildcardHandler,
} from './index.js';

export interface WebSocketProviderProps extends ClientOptions {
  /** false (e.g. `!!user`): no client; turning it off closes with 1000 and stays down. Default true. */
  enabled?: boolean;
  children?: ReactNode;
}

/**
 * Owns one client while `enabled`. The client is re-created only when a serializable option
 * (url, baseUrl, path, auth, policies, types, share...) changes by value; getToken, WebSocket, logger,
 * fetch and wasm may be new identities on every render (they never re-create it). Nothing runs during
 * server rendering.
 */
export declare function WebSocketProvider(props: WebSocketProviderProps): ReactNode;

export interface Subscribe {
  <T extends EventType>(type: T, handler: Handler<T>): Unsubscribe;
  (type: '*', handler: WildcardHandler): Unsubscribe;
}

export interface WebSocketContextValue {
  /** state === 'open' */
  isConnected: boolean;
  /** The client's state, or 'failed' when no client could be made (the Wasm core did not load: see `error`). */
  state: State | 'failed';
  /** The browser's online/offline view (at once; the connection state follows within a couple of seconds). */
  online: boolean;
  /** Why the state is 'failed' (a WasmLoadError saying what happened and the fix), else null. */
  error: Error | null;
  /** After a failure: load again (the next `enabled` change does too). */
  retry(): void;
  /** Stable for the provider's lifetime; works before the client has loaded (it is queued). */
  subscribe: Subscribe;
  /** Client events, stable and queued like subscribe. */
  on<E extends keyof ClientEvents>(event: E, handler: (payload: ClientEvents[E]) => void): Unsubscribe;
  /** 'dropped' while no client exists. */
  send: RealtimeClient['send'];
  /** The live client, or null (loading, disabled, or during SSR). */
  client: RealtimeClient | null;
}

/** A drop-in for NUMENEON's `useWebSocket()`: `{ isConnected, subscribe }` and more. */
export declare function useWebSocket(): WebSocketContextValue;

/** The latest state change ('idle' before the client exists, 'closed' after it is gone, 'failed' if it could not be made). */
export declare function useConnectionState(): Omit<StateChange, 'to'> & { to: State | 'failed' };

/** What a connection indicator shows: idle, connecting, connected, reconnecting (retryAt), offline, signed_out, closed, failed. */
export declare function useConnectionStatus(): ConnectionStatus;

/** Calls the latest handler for each frame of `type`; re-subscribes only when `type` changes. */
export declare function useEvent<T extends EventType>(type: T, handler: Handler<T>): void;
export declare function useEvent(type: '*', handler: WildcardHandler): void;

/** Calls the latest handler for each client event ('resync', 'state', 'auth_failed', ...). */
export declare function useClientEvent<E extends keyof ClientEvents>(
  event: E, handler: (payload: ClientEvents[E]) => void,
): void;

// ------------------------------------------------------------ protocol extensions
/** The server's protocol extensions: null until a connection said, [] on a server without any. */
export declare function useFeatures(): string[] | null;
/** A friend's presence, live; `online: null` while not known; `supported: null` until the server said. */
export declare function usePresence(userId: number): { online: boolean | null; lastSeen: string | null; supported: boolean | null };
/** Whether `userId` is typing to me now (it clears by itself if their stop is lost). */
export declare function useTyping(userId: number): { typing: boolean; supported: boolean | null };
/**
 * For the message input: onInput() on each keystroke (the client throttles), stop() on send or blur; it also
 * stops when `toUserId` changes or the component unmounts.
 */
export declare function useTypingNotifier(toUserId: number | null | undefined): {
  onInput(): 'sent' | 'dropped';
  stop(): 'sent' | 'dropped';
};
/** How far `withUserId` has read my messages, live, and markRead for my side. Seed from REST after a reload. */
export declare function useReadReceipts(withUserId: number): {
  upTo: number | null;
  readAt: string | null;
  supported: boolean | null;
  markRead(upToMessageId: number): 'sent' | 'queued' | 'dropped';
  /** What REST says (GET /api/messages/read/<id>/ on the reference backend); the larger mark wins. */
  seed(upToMessageId: number, readAt?: string | null): void;
};
