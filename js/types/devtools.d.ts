// Types for @numeneon/realtime/devtools: the <RealtimeDevtools /> panel and the inspector behind it.
import type { ReactNode } from 'react';
import type { RealtimeClient, State, StateChange, Stats } from './index.js';

export type DevtoolsPosition = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';

export interface RealtimeDevtoolsProps {
  /**
   * The client to show. Without it: the nearest <WebSocketProvider>'s client, else the client on the
   * page that called connect() last since this entry was imported. `null` shows "no client".
   */
  client?: RealtimeClient | null;
  /** Default 'bottom-right'. */
  position?: DevtoolsPosition;
  /** Open at first (later, the last choice is kept in localStorage 'numeneon:devtools'). Default false. */
  defaultOpen?: boolean;
}

/**
 * A panel docked in a corner, collapsible: the connection timeline, the last 500 frames with their
 * verdict, key and a redacted preview, stats(), the countdown to the next retry, the tab's role, and
 * buttons for wake(), dropLink() and setOnline(). For development: while mounted, the client explains
 * every frame (the 'frame' event). Renders nothing on the server.
 */
export declare function RealtimeDevtools(props: RealtimeDevtoolsProps): ReactNode;

/** What the client's 'frame' event reports, with the inspector's running number. */
export interface FrameEntry {
  seq: number;
  verdict: 'deliver' | 'duplicate' | 'unsubscribed' | 'consumed' | 'rejected' | 'ignored';
  /** The frame type, when the client knows it (registered or subscribed). */
  type?: string;
  error?: string;
  key?: string;
  bytes: number;
  /** Date.now() */
  at: number;
  /** The first 160 characters, redacted. */
  preview?: string;
}

export type TimelineEntry = { seq: number; at: number } & (
  | ({ kind: 'state' } & StateChange)
  | { kind: 'network'; online: boolean }
  | { kind: 'resync'; downtimeMs: number }
  | { kind: 'attached'; state: State }
);

export interface InspectorSnapshot {
  client: RealtimeClient;
  /** Date.now() when the snapshot was taken (for countdowns). */
  now: number;
  state: State;
  online: boolean;
  /** `client.role` when the client has one, else 'this tab'. */
  role: string;
  /** The latest state change (a stand-in with reason 'none' before the first). */
  change: StateChange;
  /** Newest first, at most maxTimeline. */
  timeline: TimelineEntry[];
  /** Newest first, at most maxEntries. */
  entries: FrameEntry[];
  /** Frames recorded since the inspector was first retained. */
  total: number;
  /** Frames per second over about the last second. */
  rate: number;
  /** Whether frames are being recorded (someone retains the inspector). */
  recording: boolean;
  stats: Stats | null;
}

export interface InspectorOptions {
  /** Frames kept (a ring). Default 500. */
  maxEntries?: number;
  /** Timeline entries kept. Default 100. */
  maxTimeline?: number;
  /** How often a retained inspector republishes without events (countdown, stats). Default 200 ms. */
  tickMs?: number;
  /** Runs `flush` once, later; returns a cancel function. Default: requestAnimationFrame (setTimeout 16 ms without it). */
  schedule?: (flush: () => void) => () => void;
  now?: () => number;
}

export interface Inspector {
  readonly client: RealtimeClient;
  /** useSyncExternalStore's pair: one new snapshot per scheduled flush, however many events came. */
  subscribe(listener: () => void): () => void;
  getSnapshot(): InspectorSnapshot;
  /** Records frames (a 'frame' listener) until every retainer has called the returned function. */
  retain(): () => void;
  clear(): void;
  /** Publishes now instead of at the next scheduled flush. */
  flush(): void;
  dispose(): void;
}

/** An inspector of your own (state changes are recorded from now on; frames while retained). */
export declare function createInspector(client: RealtimeClient, options?: InspectorOptions): Inspector;
/** The one shared inspector of `client` (what the panel uses). */
export declare function inspectorFor(client: RealtimeClient): Inspector;

/** The clients of this page that called connect() since this entry was imported, until dispose(). */
export declare const pageClients: {
  list(): RealtimeClient[];
  latest(): RealtimeClient | null;
  subscribe(listener: () => void): () => void;
};
