// Short sounds for frames, synthesized with Web Audio: settings per user in localStorage, the autoplay gate (a first pointerdown/keydown), one per 2 s across tabs, none for what is on screen.
import {
  DEFAULT_SOUND_SETTINGS, SOUND_INTERVAL_MS, clampVolume, createRateLimiter, readSoundSettings, soundStorageKey, soundVerdict,
} from './rules.js';
import { reportError } from './desktop.js';
import { claim, joinTabs } from './tabs.js';

// Each category's notes: [frequency Hz, start s, length s]. Under a third of a second each.
const NOTES = {
  message: [[1318.5, 0, 0.07], [1760, 0.075, 0.12]],
  friend: [[1046.5, 0, 0.08], [1318.5, 0.085, 0.08], [1568, 0.17, 0.13]],
  activity: [[880, 0, 0.16]],
};
const PEAK = 0.35;
const ATTACK_S = 0.005;

let context = null;             // the page's one AudioContext, made on the first gesture or sound
const rendered = new WeakMap(); // AudioContext → Map(category → AudioBuffer)

const AudioContextClass = () => (typeof window === 'undefined' ? undefined : window.AudioContext ?? window.webkitAudioContext);
export const soundsSupported = () => typeof AudioContextClass() === 'function';

function audio() {
  if (!context && soundsSupported()) {
    try {
      context = new (AudioContextClass())();
    } catch {
      return null;
    }
  }
  return context;
}

function resume(ctx) {
  if (ctx?.state === 'suspended') ctx.resume().catch(() => {});
}

// The category's notes as one buffer: sines with a 5 ms attack and an exponential decay.
function buffer(ctx, category) {
  let cache = rendered.get(ctx);
  if (!cache) rendered.set(ctx, cache = new Map());
  const name = NOTES[category] ? category : 'activity';
  let buf = cache.get(name);
  if (buf) return buf;
  const notes = NOTES[name];
  const rate = ctx.sampleRate;
  const length = Math.ceil(Math.max(...notes.map(([, start, len]) => start + len)) * rate) + 1;
  buf = ctx.createBuffer(1, length, rate);
  const out = buf.getChannelData(0);
  for (const [freq, start, len] of notes) {
    const first = Math.floor(start * rate);
    const count = Math.floor(len * rate);
    for (let i = 0; i < count; i++) {
      const t = i / rate;
      const envelope = t < ATTACK_S ? t / ATTACK_S : Math.exp(-6 * (t - ATTACK_S) / len);
      out[first + i] += PEAK * envelope * Math.sin(2 * Math.PI * freq * t);
    }
  }
  cache.set(name, buf);
  return buf;
}

// Plays `category` now at `volume` (0..1; loudness follows its square, as ears do). One
// AudioBufferSourceNode per sound.
export function playSound(category, volume) {
  const ctx = audio();
  if (!ctx) return false;
  resume(ctx);
  const source = ctx.createBufferSource();
  source.buffer = buffer(ctx, category);
  const gain = ctx.createGain();
  gain.gain.value = volume * volume;
  source.connect(gain);
  gain.connect(ctx.destination);
  source.start();
  return true;
}

function readStored(key) {
  try {
    return readSoundSettings(localStorage.getItem(key));
  } catch {
    return { ...DEFAULT_SOUND_SETTINGS };
  }
}

// Plays a sound for the frames of `types` (a normalizeTypes map) for `userId`. `latest()` returns
// the app's current { isVisible }; onChange({ muted, volume, unlocked }) hears every change.
// → { settings(), setMuted(bool), setVolume(0..1), test(category?), stop() }
export function startAlertSounds({ userId, types, subscribe, latest, onChange = () => {}, now = Date.now }) {
  const key = soundStorageKey(userId);
  const tabs = joinTabs(userId);
  const limiter = createRateLimiter(SOUND_INTERVAL_MS);
  let settings = readStored(key);
  // Autoplay: sound only once the person has interacted with the page (sticky activation before this
  // started, or a pointerdown/keydown since).
  let unlocked = typeof navigator !== 'undefined' && navigator.userActivation?.hasBeenActive === true;
  let queue = Promise.resolve();
  let stopped = false;
  const publish = () => onChange({ ...settings, unlocked });

  const save = (next) => {
    settings = { muted: !!next.muted, volume: clampVolume(next.volume) };
    try {
      localStorage.setItem(key, JSON.stringify(settings));
    } catch {
      // storage disabled: kept for this page only
    }
    publish();
  };
  // Every gesture resumes the context (browsers suspend it; Safari also on leaving the tab); the
  // first one makes it, inside the gesture, where every browser lets it start.
  const onGesture = () => {
    if (!settings.muted) resume(audio());
    else resume(context);
    if (unlocked) return;
    unlocked = true;
    publish();
  };
  const onStorage = (e) => {
    if (e.key !== key) return;
    settings = readSoundSettings(e.newValue);
    publish();
  };

  async function handle(frame) {
    const category = types.get(frame.type)?.sound;
    const visible = document.visibilityState === 'visible';
    const onScreen = Boolean(visible && category && latest().isVisible?.(frame));
    let verdict = soundVerdict({ category, ...settings, unlocked, pageVisible: visible, onScreen });
    if (verdict === 'play' && !visible && await tabs.othersVisible()) verdict = 'other_tab_visible';
    if (verdict !== 'play' || stopped || !limiter.take(now())) return;
    if (!(await claim(`numeneon:sound:${userId}`, SOUND_INTERVAL_MS)) || stopped) return;
    playSound(category, settings.volume);
  }

  const offs = [...types.keys()].map((type) => subscribe(type, (data, frame) => {
    const event = frame && typeof frame === 'object' && frame.type === type ? frame : { type, data };
    queue = queue.then(() => handle(event)).catch(reportError);
  }));
  window.addEventListener('pointerdown', onGesture, true);
  window.addEventListener('keydown', onGesture, true);
  window.addEventListener('storage', onStorage);
  publish();

  return {
    settings: () => ({ ...settings, unlocked }),
    setMuted: (muted) => save({ ...settings, muted }),
    setVolume: (volume) => save({ ...settings, volume }),
    // The settings' Test button: the category now (no rate limit, no visibility rule), unless muted.
    test(category = 'message') {
      if (stopped || settings.muted || !(settings.volume > 0)) return false;
      return playSound(category, settings.volume);
    },
    stop() {
      stopped = true;
      for (const off of offs) off();
      window.removeEventListener('pointerdown', onGesture, true);
      window.removeEventListener('keydown', onGesture, true);
      window.removeEventListener('storage', onStorage);
      tabs.leave();
    },
  };
}
