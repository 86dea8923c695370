// Types for @numeneon/realtime. The event map is open: apps add their own frame types by
// declaration merging:
//   declare module '@numeneon/realtime' { interface EventMap { story_posted: { story_id: number } } }

export interface UserRef { id: number; username: string }
export interface PublicUser extends UserRef { first_name: string; last_name: string }
/** The author as post payloads carry it. */
export interface PostAuthor extends PublicUser {
  email?: string;
  /** ISO 8601. */
  date_joined?: string;
  profile_picture?: string | null;
}
export interface Post {
  id: number;
  author: PostAuthor;
  content: string;
  type?: string;
  created_at: string;
  [field: string]: unknown;
}

/** connection_established and error carry their fields at the top level; handlers get the frame itself. */
export interface ConnectionEstablished {
  type: 'connection_established';
  message: string;
  user_id: number;
  /** Protocol extensions the server speaks (absent on a server without them). */
  features?: string[];
  /** With `resume: true`: 'ok' when nothing was missed. */
  resume?: string;
}
export interface ServerError { type: 'error'; message: string }
export interface FriendRequest { request_id: number; from_user: PublicUser }
export interface FriendAccepted { friend: PublicUser }
export interface NewMessage { id: number; sender: UserRef; content: string; created_at: string }
export interface WallPost { message: string; post: Post; author: UserRef }
export interface PostComment {
  message: string;
  commenter: UserRef & Partial<PublicUser>;
  post: Pick<Post, 'id'> & Partial<Post>;
  comment: { id: number; content: string; [field: string]: unknown };
}
export interface CommentReply {
  message: string;
  replier: UserRef & Partial<PublicUser>;
  reply: { id: number; content: string };
  /** The server sends `null` when the reply is not tied to a post it can name. */
  post: { id: number | null };
  mentioned_username: string;
}
/** The presence extension: a friend came online or went away. */
export interface Presence { user_id: number; online: boolean; last_seen: string | null }
/** The presence extension: every friend's presence, sent after connection_established. */
export interface PresenceSnapshot { users: Presence[] }
/** The typing extension: `user_id` is typing to me (or stopped). */
export interface Typing { user_id: number; typing: boolean }
/** The read-receipts extension: `reader_id` has read my messages up to `up_to`. */
export interface MessageRead { reader_id: number; up_to: number; read_at?: string }
/** Whatever JSON value the client sent: an object, an array, a string, a number or null. */
export type Echo = unknown;

/** Frame type → what a handler receives first (`frame.data`, or the frame for top-level types). */
export interface EventMap {
  connection_established: ConnectionEstablished;
  friend_request: FriendRequest;
  friend_accepted: FriendAccepted;
  new_message: NewMessage;
  new_post: Post;
  wall_post: WallPost;
  post_comment: PostComment;
  comment_reply: CommentReply;
  echo: Echo;
  error: ServerError;
  presence: Presence;
  presence_snapshot: PresenceSnapshot;
  typing: Typing;
  message_read: MessageRead;
}

export type EventType = keyof EventMap & string;
export interface Frame<T extends string = string> { type: T; data?: unknown; [field: string]: unknown }
export type Handler<T extends EventType> = (data: EventMap[T], frame: Frame<T>) => void;
export type WildcardHandler = (data: unknown, frame: Frame) => void;
export type Unsubscribe = () => void;

export type State = 'idle' | 'connecting' | 'open' | 'closing' | 'backing_off' | 'closed';
/** Browser entry: 'holder' (this tab's socket serves every tab of the user), 'follower' (another tab's does), 'private' (its own socket, or none yet). */
export type Role = 'holder' | 'follower' | 'private';
export type Reason =
  | 'none' | 'connect_requested' | 'opened' | 'client_closed' | 'server_closed' | 'connection_lost'
  | 'handshake_failed' | 'handshake_rejected' | 'auth_closed' | 'connect_timeout' | 'heartbeat_timeout'
  | 'retry' | 'auth_failed' | 'gave_up' | 'offline' | 'resumed' | 'connection_refused' | 'token_failed' | 'disposed';
/** Why a token is requested: anything but 'initial' and 'reconnect' asks for a fresh one. */
export type TokenReason = 'initial' | 'reconnect' | 'handshake_rejected' | 'handshake_failed' | 'auth_closed';
export type ErrorCode =
  | 'invalid_json' | 'not_object' | 'missing_type' | 'type_not_string' | 'frame_too_large' | 'too_deep'
  | 'invalid_payload' | 'unknown_type' | 'outbox_overflow' | 'not_connected' | 'binary_frame' | 'duplicate_type'
  | 'out_of_memory' | 'handler_threw' | 'token_provider_failed' | 'socket_error' | 'wasm_load_failed';

export interface StateChange {
  from: State;
  to: State;
  reason: Reason;
  /** Retry number since the link was last stable (0 for the first attempt). */
  attempt: number;
  /** When backing off: the jittered delay before the next attempt. */
  delayMs: number;
  closeCode?: number;
  /** When it happened (Date.now()). */
  at?: number;
  /** On auth_failed, what may be wrong with the setup (e.g. auth: 'subprotocol' on a server that ignores it). */
  hint?: string;
}

export declare class RealtimeError extends Error {
  readonly name: 'RealtimeError';
  readonly code: ErrorCode;
  /** The frame type, for frame errors. */
  readonly type?: string;
  readonly cause?: unknown;
}

export interface ClientEvents {
  /** Every transition of the connection state machine. */
  state: StateChange;
  /** The socket is open (also a StateChange). */
  open: StateChange;
  /** A socket closed (the client may reconnect after it). */
  close: { code: number; reason: string; wasClean: boolean };
  /** The link came back after a gap: re-fetch over REST what may have been missed. */
  resync: { downtimeMs: number };
  /** Bad input, a throwing handler, an outbox overflow... The connection keeps working. */
  error: RealtimeError;
  /** Terminal: the session is no longer valid (also a StateChange to 'closed'). */
  auth_failed: StateChange;
  /** The network went offline or came back (the browser's events, or setOnline()). */
  network: { online: boolean };
  /** A connection said which protocol extensions the server speaks ([] for a server without any). */
  features: { features: string[] };
  /** A friend's presence changed (presence extension). */
  presence: { userId: number; online: boolean; lastSeen: string | null };
  /** A friend started or stopped typing to me; it also stops by itself when their renewals stop coming. */
  typing: { userId: number; typing: boolean };
  /** A friend read my messages further (read-receipts extension); never moves back. */
  read: { readerId: number; upTo: number; readAt: string | null };
  /** With `debug` on (or a listener): each frame's verdict. */
  frame: FrameVerdict;
  /** Browser entry: this tab's role changed (it became the holder, a follower, or left its group). */
  role: { role: Role; previous: Role };
}

/** What happened to one frame. 'consumed': the client's own (a heartbeat echo); 'ignored': arrived while not open. */
export interface FrameVerdict {
  verdict: 'deliver' | 'duplicate' | 'unsubscribed' | 'consumed' | 'rejected' | 'ignored';
  /** The frame type, when it is registered. */
  type?: string;
  /** Why it was rejected. */
  error?: ErrorCode;
  /** The canonical de-duplication key the frame was identified by, when it has one. */
  key?: string;
  /** The frame's first characters (tokens redacted). */
  preview?: string;
  bytes: number;
  /** Date.now() */
  at: number;
}

export type FieldKind = 'any' | 'string' | 'number' | 'object' | 'array' | 'boolean';
export interface TypeSpec {
  name: string;
  /** Dotted paths (up to 4 levels, no arrays) the frame must carry, with their kind. */
  required?: Record<string, FieldKind>;
  /** Dotted path to a scalar that identifies the event for de-duplication. */
  dedupeKey?: string;
  /** With no key, de-duplicate identical frames. */
  dedupeContent?: boolean;
}

/** The retry window grows with the downtime (not the attempt count): initialDelayMs × multiplier per growthPeriodMs. */
export interface ReconnectOptions {
  initialDelayMs?: number;    // 2000: the window right after the link is lost
  maxDelayMs?: number;        // 10000: the window's cap
  multiplier?: number;        // 2
  growthPeriodMs?: number;    // 240000: the window grows by `multiplier` per this much downtime
  jitter?: number;            // 0.5: the share of the window that is random (1: full jitter, 0: none)
  minDelayMs?: number;        // 100
  rejectionDelayMs?: number;  // 250: after a known rejection (or a probe answering) the next attempt comes within this
  maxAttempts?: number;       // 0 = unlimited
  stableAfterMs?: number;     // 5000
  tokenTimeoutMs?: number;    // 30000: a getToken slower than this counts as failed (and is asked again)
  connectTimeoutMs?: number;  // 10000: from the token in hand to open
  authFailureLimit?: number;  // 2
}
export interface HeartbeatOptions { intervalMs?: number; timeoutMs?: number; ping?: string }
export interface DedupeOptions { capacity?: number; maxAgeMs?: number }
export interface OutboxOptions { capacity?: number }
export interface LimitOptions { maxFrameBytes?: number; maxDepth?: number }
export interface Logger {
  debug?(message: string): void;
  info?(message: string): void;
  warn?(message: string): void;
  error?(message: string): void;
}

export interface ClientOptions {
  /** Full ws(s):// URL of the notification socket... */
  url?: string;
  /** ...or the http(s):// base of the backend; `path` ('/ws/notifications/') is appended. */
  baseUrl?: string;
  path?: string;
  /**
   * Called before every connect attempt. Return null when there is no valid session (terminal: auth_failed);
   * a throw (or a rejected promise) is transient: reported as token_provider_failed, backed off, asked again.
   */
  getToken?: (info: { reason: TokenReason; attempt: number }) => string | null | Promise<string | null>;
  /** 'query' (?token=, what the live server reads) or 'subprotocol' (['numeneon.jwt', token]). */
  auth?: 'query' | 'subprotocol';
  /** WebSocket constructor; defaults to globalThis.WebSocket (in Node 20 pass `WebSocket` from 'ws'). */
  WebSocket?: unknown;
  reconnect?: ReconnectOptions;
  heartbeat?: HeartbeatOptions;
  dedupe?: DedupeOptions;
  outbox?: OutboxOptions;
  limits?: LimitOptions;
  /** Defaults to console warnings/errors; null silences. Tokens are always redacted. */
  logger?: Logger | null;
  /** e.g. 'https://host/api/auth/me/': probed with the token when a handshake fails for unknown reasons. */
  authProbeUrl?: string;
  /**
   * Opt-in protocol extension: track the server's top-level `event_id`, reconnect with
   * `?last_event_id=`, and skip `resync` when connection_established says `"resume": "ok"`.
   * Against a server without it everything works as without, and every gap is reported by `resync`.
   */
  resume?: boolean;
  /**
   * Browser and inline entries: one socket for all the tabs of a user (default true where the browser has Web Locks
   * and BroadcastChannel: Chrome 69, Firefox 96, Safari 15.4). A user's tabs are those whose getToken
   * returns a JWT naming the same `user_id` (else `sub`), for the same socket URL; a token naming nobody
   * means no sharing unless `shareKey` is given. false: this tab's own socket. Accepted and ignored in Node.
   */
  share?: boolean;
  /** Browser and inline entries: share with the tabs that give the same key (and socket URL), whatever their tokens say. */
  shareKey?: string;
  /** App frame types with their schema, registered at creation. */
  types?: TypeSpec[];
  fetch?: typeof fetch;
  /**
   * Where the Wasm core comes from, when the default (the .wasm next to the package's JS) does not suit:
   * its URL, a Response, its bytes, or a compiled WebAssembly.Module. Loaded once per source.
   */
  wasm?: string | URL | Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module;
}

export interface Stats {
  framesReceived: number;
  framesDelivered: number;
  duplicates: number;
  unsubscribed: number;
  rejected: number;
  heartbeats: number;
  /** Frames that arrived while not open (after close(), or on a socket given up on): never delivered. */
  ignored: number;
  bytesReceived: number;
  framesSent: number;
  bytesSent: number;
  framesQueued: number;
  framesDropped: number;
  connects: number;
  reconnects: number;
  authRejections: number;
  state: State;
}

export declare class RealtimeClient {
  readonly state: State;
  readonly isConnected: boolean;
  /** What the host last said about the network (browser online/offline events, or setOnline()). */
  readonly online: boolean;
  /** Browser entry: this tab's part in its user's shared socket (a 'role' event says when it changes); undefined in Node. */
  readonly role?: Role;
  connect(): void;
  /** Closes and stays down until connect(). `code`: 1000 or 3000-4999. */
  close(code?: number, reason?: string): void;
  /** Closes and releases the Wasm memory. The client is unusable afterwards. */
  dispose(): void;
  subscribe<T extends EventType>(type: T, handler: Handler<T>): Unsubscribe;
  subscribe(type: '*', handler: WildcardHandler): Unsubscribe;
  once<T extends EventType>(type: T, handler: Handler<T>): Unsubscribe;
  on<E extends keyof ClientEvents>(event: E, handler: (payload: ClientEvents[E]) => void): Unsubscribe;
  registerType(spec: TypeSpec): number;
  send(type: string, data?: unknown, options?: { volatile?: boolean }): 'sent' | 'queued' | 'dropped';
  /**
   * Marks an event id as seen (e.g. from a REST response); false if the frame was already delivered.
   * Ids compare by value: 12, 12.0 and "12" are one id. A type with no dedupe key is a TypeError.
   */
  claim<T extends EventType>(type: T, id: string | number): boolean;
  stats(): Stats | null;
  setOnline(online: boolean): void;
  /** Retry now if backing off (what the page becoming visible does). */
  wake(): void;
  /** Drops the open socket as a dead network would, to rehearse a failure; the client reconnects. */
  dropLink(): void;
  /**
   * With `resume: true`: the frames up to `eventId` (a frame's top-level `event_id`) are known here, e.g.
   * the last one the app stored before a reload. The next connection asks the server for what came after
   * it; a server that cannot replay that far (or has no resume) gets a `resync` (downtimeMs 0 if this
   * client never had a link). Ignored without `resume`; never moves back. A TypeError unless a positive integer.
   */
  resumeFrom(eventId: number): void;

  /** The server's protocol extensions: null until a connection said, [] on a server without any. */
  readonly features: string[] | null;
  /** Whether the server speaks `feature` ('presence', 'typing', 'read_receipts'); null while not known. */
  supports(feature: string): boolean | null;
  /** A friend's last known presence, or null when not known. */
  presenceOf(userId: number): { online: boolean; lastSeen: string | null } | null;
  /** Whether `userId` is typing to me now. */
  isTyping(userId: number): boolean;
  /** How far `userId` has read my messages, or null when not known. */
  readReceipt(userId: number): { upTo: number; readAt: string | null } | null;
  /**
   * A keystroke (true) or a stop (false) in the conversation with `toUserId`: throttled to one frame per 2 s,
   * stopped by itself after 5 s without keystrokes, never queued. 'dropped' when not sent (throttled,
   * offline, or the server lacks typing).
   */
  setTyping(toUserId: number, typing?: boolean): 'sent' | 'dropped';
  /** What REST says `readerId` has read of mine (after a reload): merged with the socket's, the larger mark wins. */
  seedReadReceipt(readerId: number, upToMessageId: number, readAt?: string | null): void;
  /** I have read `withUserId`'s messages up to `upToMessageId`; queued while offline; 'dropped' without read receipts. */
  markRead(withUserId: number, upToMessageId: number): 'sent' | 'queued' | 'dropped';
}

/** Rejects with a TypeError for bad options, or a WasmLoadError when the Wasm core cannot be loaded. */
export declare function createClient(options: ClientOptions): Promise<RealtimeClient>;
/** The Wasm memory size and the number of live cores (each client owns one until dispose()). */
export declare function diagnostics(options?: { wasm?: ClientOptions['wasm'] }): Promise<{ heapBytes: number; liveCores: number }>;
/** The Wasm core could not be loaded; the message says what happened and how to fix it. */
export declare class WasmLoadError extends Error {
  readonly name: 'RealtimeError';
  readonly code: 'wasm_load_failed';
  /** What happened: an HTTP error, an HTML fallback page, not WebAssembly, a CSP, another build's .wasm... */
  readonly kind: 'http_status' | 'html_fallback' | 'not_wasm' | 'fetch_failed' | 'read_failed' | 'csp' | 'compile_failed'
    | 'abi_mismatch' | 'no_fetch' | 'trap';
  /** Where it was loaded from (a URL; a file path under Node), when it was. */
  readonly url?: string;
  /** The HTTP status, for answers that came back. */
  readonly status?: number;
  readonly cause?: unknown;
}
export declare function redact(text: string, secrets?: string[]): string;

export type ConnectionStatus =
  | { status: 'idle' | 'connecting' | 'connected' | 'offline' | 'signed_out' | 'closed' | 'failed' }
  | { status: 'reconnecting'; retryAt?: number };
/** What a connection indicator shows, from the latest state change and the network view. */
export declare function connectionStatus(change: Omit<StateChange, 'to'> & { to: State | 'failed' }, online?: boolean): ConnectionStatus;
export declare const STATES: readonly State[];
export declare const REASONS: readonly Reason[];
export declare const TOKEN_REASONS: readonly TokenReason[];
