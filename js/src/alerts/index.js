// @numeneon/realtime/alerts: opt-in desktop notifications and sounds for the React layer, as two hooks on useWebSocket().subscribe.
// SSR-safe: nothing runs on import, and window, document, Notification and Web Audio are touched only in effects and handlers.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useWebSocket } from '@numeneon/realtime/react';
import { DEFAULT_SOUND_SETTINGS, normalizeTypes } from './rules.js';
import {
  currentPermission, notificationsSupported, requestPermission, startDesktopAlerts, watchPermission,
} from './desktop.js';
import { soundsSupported, startAlertSounds } from './sounds.js';

export {
  DEFAULT_TYPES, collapseTag, createCollapser, createRateLimiter, defaultFormat, eventKey, preview, soundStorageKey,
} from './rules.js';

// The latest value of `value`, for handlers that outlive a render.
function useLatest(value) {
  const ref = useRef(value);
  useEffect(() => {
    ref.current = value;
  });
  return ref;
}

// `types` by value: a new object with the same contents every render keeps the subscriptions.
function useTypes(types) {
  const key = JSON.stringify(types ?? null);
  return useMemo(() => normalizeTypes(types), [key]);
}

// Desktop notifications while the page is hidden. → { supported, permission, request(), test() }
export function useDesktopAlerts(options = {}) {
  const { userId, enabled = true } = options;
  const { subscribe } = useWebSocket();
  const latest = useLatest(options);
  const types = useTypes(options.types);
  const [permission, setPermission] = useState('default');
  const [supported, setSupported] = useState(false);
  const controller = useRef(null);

  useEffect(() => {
    setSupported(notificationsSupported());
    return watchPermission(setPermission);
  }, []);
  useEffect(() => {
    if (!enabled || userId == null) return undefined;
    const c = startDesktopAlerts({ userId, types, subscribe, latest: () => latest.current });
    controller.current = c;
    return () => {
      c.stop();
      if (controller.current === c) controller.current = null;
    };
  }, [enabled, userId, types, subscribe, latest]);

  const request = useCallback(async () => {
    const answer = await requestPermission();
    setPermission(currentPermission());
    return answer;
  }, []);
  const test = useCallback((content) => controller.current?.test(content) ?? false, []);
  return { supported, permission, request, test };
}

// Sounds for frames, after the first interaction. → { supported, muted, setMuted, volume, setVolume, unlocked, test() }
export function useAlertSounds(options = {}) {
  const { userId, enabled = true } = options;
  const { subscribe } = useWebSocket();
  const latest = useLatest(options);
  const types = useTypes(options.types);
  const [state, setState] = useState({ ...DEFAULT_SOUND_SETTINGS, unlocked: false });
  const [supported, setSupported] = useState(false);
  const controller = useRef(null);

  useEffect(() => {
    setSupported(soundsSupported());
  }, []);
  useEffect(() => {
    if (!enabled || userId == null) return undefined;
    const c = startAlertSounds({ userId, types, subscribe, latest: () => latest.current, onChange: setState });
    controller.current = c;
    return () => {
      c.stop();
      if (controller.current === c) controller.current = null;
    };
  }, [enabled, userId, types, subscribe, latest]);

  const setMuted = useCallback((muted) => controller.current?.setMuted(muted), []);
  const setVolume = useCallback((volume) => controller.current?.setVolume(volume), []);
  const test = useCallback((category) => controller.current?.test(category) ?? false, []);
  return { supported, muted: state.muted, volume: state.volume, unlocked: state.unlocked, setMuted, setVolume, test };
}
