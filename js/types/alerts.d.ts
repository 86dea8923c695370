// Types for @numeneon/realtime/alerts: desktop notifications and sounds for frames, as React hooks (inside <WebSocketProvider>).
import type { EventMap, EventType } from './index.js';

/** A frame as the alert callbacks receive it: `{ type, data }` (plus `event_id` under the resume extension). */
export interface AlertFrame<T extends EventType = EventType> {
  type: T;
  data: EventMap[T];
  event_id?: number;
  [field: string]: unknown;
}
/** Any frame of the event map, narrowed by `frame.type` (add your own types to EventMap by declaration merging). */
export type AlertEvent = { [T in EventType]: AlertFrame<T> }[EventType];

export type SoundCategory = 'message' | 'friend' | 'activity' | (string & {});

/** Per type: `true` (defaults), `false` (off), a sound category, or the details. */
export type AlertTypeSpec = boolean | SoundCategory | {
  /** Desktop: show it also while the page is visible (unless `isVisible(frame)` says it is on screen). Default false. */
  whenVisible?: boolean;
  /** Sounds: the category, or null/false for none. Default: message, friend or activity by type. */
  sound?: SoundCategory | null | false;
};

/**
 * Which types alert: an array of type names (only those), or an object merged over the defaults
 * (friend_request, friend_accepted, new_message, wall_post, post_comment, comment_reply; new_post is
 * off by default). Compared by value, so a new literal every render is fine.
 */
export type AlertTypes = Array<EventType | (string & {})> | Partial<Record<EventType | (string & {}), AlertTypeSpec>>;

/** What a notification says; other Notification options (badge, silent, requireInteraction, ...) pass through. */
export interface AlertContent {
  title: string;
  body?: string;
  icon?: string;
  /** Default: `numeneon:<userId>:<group>` (one sender's messages, one post's comments, all requests, ...). */
  tag?: string;
  /** Default: true for an update of a collapsed notification whose last alert is 30 s old. */
  renotify?: boolean;
  [option: string]: unknown;
}

export interface AlertInfo {
  /** How many events the notification now stands for (since the person last looked at the app). */
  count: number;
}

/** Return undefined to use the default formatter, null for no notification. */
export type AlertFormatter = (frame: AlertEvent, info: AlertInfo) => AlertContent | null | undefined;
/** One formatter per type, each with that type's payload. */
export type AlertFormatters = { [T in EventType]?: (frame: AlertFrame<T>, info: AlertInfo) => AlertContent | null | undefined };

export interface DesktopAlertsOptions {
  /** The signed-in user's id: tags, tab coordination and the "seen" mark are per user. No user, no alerts. */
  userId: string | number | null | undefined;
  /** Default true. */
  enabled?: boolean;
  types?: AlertTypes;
  /** One function for every type, or one per type. */
  format?: AlertFormatter | AlertFormatters;
  /** After the tab is focused and the notification closed: e.g. open the conversation. `frame` is the latest one of the group. */
  onClick?: (frame: AlertEvent, info: AlertInfo) => void;
  /** Asked only while the page is visible: is this event on screen now (e.g. the open conversation)? */
  isVisible?: (frame: AlertEvent) => boolean;
  /** What identifies the event across tabs. Default: event_id, else the payload's id for the type, else a hash of the frame. */
  key?: (frame: AlertEvent) => string | number | null | undefined;
  /** Passed to every notification unless the content has its own. */
  icon?: string;
  /** Close this app's notifications when the person comes back to it (any tab). Default true. */
  closeOnVisible?: boolean;
}

export type AlertPermission = 'default' | 'granted' | 'denied' | 'unsupported';

export interface DesktopAlerts {
  /** false during server rendering and before the first effect, and where there is no Notification. */
  supported: boolean;
  /** 'default' (never asked), 'granted', 'denied'; 'unsupported' without Notification. Kept current. */
  permission: AlertPermission;
  /** Asks the browser: call it from a click (browsers ignore it otherwise). Resolves to the answer. */
  request(): Promise<AlertPermission>;
  /** Shows a sample notification now, visible page or not. false without permission. */
  test(content?: Partial<AlertContent>): boolean;
}

export declare function useDesktopAlerts(options: DesktopAlertsOptions): DesktopAlerts;

export interface AlertSoundsOptions {
  /** Settings are stored per user (localStorage `numeneon:sounds:<userId>`). No user, no sounds. */
  userId: string | number | null | undefined;
  /** Default true. */
  enabled?: boolean;
  types?: AlertTypes;
  /** Asked only while the page is visible: is this event on screen now? Then no sound. */
  isVisible?: (frame: AlertEvent) => boolean;
}

export interface AlertSounds {
  supported: boolean;
  muted: boolean;
  setMuted(muted: boolean): void;
  /** 0..1 (loudness follows its square). */
  volume: number;
  setVolume(volume: number): void;
  /** The page has had an interaction, so sounds can play (autoplay policy). */
  unlocked: boolean;
  /** Plays a category now, outside the rate limit; false when muted. */
  test(category?: SoundCategory): boolean;
}

export declare function useAlertSounds(options: AlertSoundsOptions): AlertSounds;

/** The built-in formatter: names and a one-line preview; null for connection and internal frames. */
export declare function defaultFormat(frame: AlertEvent, info?: Partial<AlertInfo>): { title: string; body: string } | null;
/** The default sound category of each type that alerts by default. */
export declare const DEFAULT_TYPES: Readonly<Record<string, SoundCategory>>;
/** The group a frame's notification collapses into (before the `numeneon:<userId>:` prefix). */
export declare function collapseTag(frame: AlertEvent): string;
/** What identifies the event in every tab, or null. */
export declare function eventKey(frame: AlertEvent): string | null;
/** One line of at most `max` (100) characters. */
export declare function preview(text: unknown, max?: number): string;
/** The localStorage key of a user's sound settings. */
export declare function soundStorageKey(userId: string | number): string;

export interface Collapser {
  add(tag: string, frame: unknown, now: number, seenAt?: number): { count: number; renotify: boolean; latest: unknown };
  count(tag: string): number;
  reset(tag?: string): void;
}
/** Counts events per tag since `seenAt`; renotify at most every `renotifyAfterMs` (30 s). */
export declare function createCollapser(options?: { renotifyAfterMs?: number; maxAgeMs?: number }): Collapser;
/** At most one take(now) per `intervalMs` (2 s). */
export declare function createRateLimiter(intervalMs?: number): { take(now: number): boolean; reset(): void };
