// <RealtimeDevtools />: a panel docked in a corner that shows one client from the inside: the state
// timeline, the last frames with their verdicts, stats(), the countdown to the next retry, and buttons
// to rehearse failures. For development: it makes the client explain every frame while it is mounted.
//
// Which client: the `client` prop; else the nearest <WebSocketProvider>'s; else the page's client
// that connected last (registry.js). Built to stay responsive at 1,000 frames/s: React renders only
// on state changes and a 200 ms tick, the log rows and counters are painted in place at most once
// per animation frame, the log is a ring of 500, and only the rows in view are in the DOM.
import {
  Component, createElement as h, memo, useCallback, useEffect, useRef, useState, useSyncExternalStore,
} from 'react';
import { connectionStatus } from '@numeneon/realtime';
import { useWebSocket } from '@numeneon/realtime/react';
import { bytes, changeDetails, clock, seconds, typeFromPreview } from './format.js';
import { inspectorFor } from './inspector.js';
import { pageClients } from './registry.js';
import * as S from './styles.js';

const STORAGE_KEY = 'numeneon:devtools';
const COUNTERS = [
  'framesReceived', 'framesDelivered', 'duplicates', 'unsubscribed', 'rejected', 'heartbeats', 'ignored', 'bytesReceived',
  'framesSent', 'framesQueued', 'framesDropped', 'bytesSent', 'connects', 'reconnects', 'authRejections',
];
const NO_STORE = { subscribe: () => () => {}, getSnapshot: () => null };
const serverNull = () => null;

// Calls into the client from a button: whatever the client does, the page goes on.
function act(fn) {
  try {
    fn();
  } catch (err) {
    console.warn(`[numeneon-realtime devtools] ${err?.message ?? err}`);
  }
}

// The nearest <WebSocketProvider>'s value, or null. useWebSocket() throws outside a provider after
// its first hook; whether a provider is above a mounted component never changes, so the hooks still
// run in the same order on every render.
function useProvider() {
  try {
    return useWebSocket();
  } catch {
    return null;
  }
}

function useTarget(explicit) {
  const provider = useProvider();
  const latest = useSyncExternalStore(pageClients.subscribe, pageClients.latest, serverNull);
  if (explicit !== undefined) return { client: explicit ?? null, source: 'prop', failed: null, retry: null };
  if (provider) {
    const failed = provider.state === 'failed' ? provider.error ?? new Error('the client could not be created') : null;
    return { client: provider.client, source: 'provider', failed, retry: provider.retry };
  }
  return { client: latest, source: 'page', failed: null, retry: null };
}

function useStoredOpen(defaultOpen) {
  const [open, setOpen] = useState(defaultOpen);
  useEffect(() => {
    try {
      const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
      if (stored === 'open' || stored === 'closed') setOpen(stored === 'open');
    } catch {
      // storage can be refused (privacy settings, sandboxed frames): the default stands
    }
  }, []);
  const change = (next) => {
    setOpen(next);
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, next ? 'open' : 'closed');
    } catch {
      // as above
    }
  };
  return [open, change];
}

function Devtools({ client: explicit, position = 'bottom-right', defaultOpen = false }) {
  const [mounted, setMounted] = useState(false);
  const [open, setOpen] = useStoredOpen(defaultOpen);
  const target = useTarget(explicit);
  const inspector = target.client ? inspectorFor(target.client) : null;
  const store = inspector ?? NO_STORE;
  const snap = useSyncExternalStore(store.subscribe, store.getSnapshot, serverNull);
  useEffect(() => setMounted(true), []);
  useEffect(() => inspector?.retain(), [inspector]);
  if (!mounted) return null;  // nothing on the server, nothing to hydrate

  let status = { status: 'no client' };
  if (target.failed) status = { status: 'failed' };
  else if (snap) status = connectionStatus(snap.change, snap.online);
  const color = S.STATUS_COLORS[status.status] ?? S.STATUS_COLORS.idle;
  return h('aside', {
    style: S.dock(position, open), 'aria-label': 'numeneon realtime devtools', 'data-testid': 'nrt-devtools', 'data-status': status.status,
  },
  h('div', { style: S.header },
    h('button', {
      type: 'button', style: S.toggle, 'aria-expanded': open, onClick: () => setOpen(!open), 'data-testid': 'nrt-devtools-toggle',
      title: open ? 'Collapse the realtime devtools' : 'Open the realtime devtools',
    },
    h('span', { style: S.dot(color), 'aria-hidden': true }),
    h('span', null, open ? 'realtime devtools' : `realtime: ${status.status.replace('_', ' ')}`),
    h('span', { style: S.muted, 'aria-hidden': true }, open ? '▾' : '▴'))),
  open && h(Body, { snap, status, target }));
}

function Body({ snap, status, target }) {
  const { client } = target;
  if (target.failed) {
    return h('div', { style: S.body },
      h('p', { style: S.problem, 'data-testid': 'nrt-devtools-problem' }, `No client: ${target.failed.message ?? target.failed}`),
      target.retry && h('div', { style: S.buttons }, h('button', { type: 'button', style: S.button, onClick: () => act(target.retry) }, 'Load again')));
  }
  if (!client || !snap) {
    return h('div', { style: S.body },
      h('p', { style: { ...S.muted, marginTop: 6 }, 'data-testid': 'nrt-devtools-problem' },
        target.source === 'provider'
          ? 'No client yet: the provider is loading or not enabled.'
          : 'No client yet: none has connected on this page since the devtools loaded.'));
  }
  const countdown = status.retryAt ? `retry in ${seconds(status.retryAt - snap.now)}` : null;
  return h('div', { style: S.body },
    h('div', { style: S.summary },
      h('span', { style: { color: S.STATUS_COLORS[status.status] }, 'data-testid': 'nrt-devtools-status' }, status.status.replace('_', ' ')),
      countdown && h('span', { 'data-testid': 'nrt-devtools-countdown' }, countdown),
      h('span', { style: S.muted }, 'state ', h('span', { 'data-testid': 'nrt-devtools-state', style: { color: '#c9d1d9' } }, snap.state)),
      h('span', { style: S.muted }, snap.online ? 'online' : 'offline'),
      h('span', { style: S.muted, 'data-testid': 'nrt-devtools-role' }, snap.role)),
    h('div', { style: S.buttons },
      h('button', { type: 'button', style: S.button, 'data-testid': 'nrt-devtools-wake', onClick: () => act(() => client.wake()) }, 'Reconnect now'),
      h('button', { type: 'button', style: S.button, 'data-testid': 'nrt-devtools-drop', onClick: () => act(() => client.dropLink()) }, 'Drop the link'),
      h('button', {
        type: 'button', style: S.button, 'data-testid': 'nrt-devtools-online', onClick: () => act(() => client.setOnline(!snap.online)),
      }, snap.online ? 'Go offline' : 'Go online')),
    h(Counters, { inspector: inspectorFor(client) }),
    h(Timeline, { timeline: snap.timeline }),
    h(EventLog, { inspector: inspectorFor(client) }));
}

// Rendered once; the values are written in place at each snapshot (5 a second in a burst), so a busy
// client costs React nothing here either.
const Counters = memo(function Counters({ inspector }) {
  const values = useRef({});
  useEffect(() => {
    const paint = () => {
      const { stats, rate } = inspector.getSnapshot();
      for (const name of COUNTERS) {
        const cell = values.current[name];
        const value = stats?.[name] ?? 0;
        if (cell) cell.textContent = name.startsWith('bytes') ? bytes(value) : String(value);
      }
      if (values.current['frames/s']) values.current['frames/s'].textContent = String(rate);
    };
    paint();
    return inspector.subscribe(paint);
  }, [inspector]);
  return h('section', { style: S.section, 'aria-label': 'counters' },
    h('h2', { style: S.heading }, 'Counters'),
    h('dl', { style: S.counters },
      [...COUNTERS, 'frames/s'].map((name) => h('div', { key: name, style: S.counter, 'data-testid': `nrt-devtools-stat-${name}` },
        h('dt', { style: S.counterName }, name),
        h('dd', { style: S.counterValue, ref: (el) => { values.current[name] = el; } })))));
});

function timelineText(e) {
  switch (e.kind) {
    case 'state': return `${e.from} → ${e.to} (${changeDetails(e)})`;
    case 'network': return `network ${e.online ? 'online' : 'offline'}`;
    case 'resync': return `resync after ${seconds(e.downtimeMs)} down`;
    default: return `devtools attached (state ${e.state})`;
  }
}

const Timeline = memo(function Timeline({ timeline }) {
  return h('section', { style: S.section, 'aria-label': 'connection timeline' },
    h('h2', { style: S.heading }, 'Connection timeline'),
    h('ol', { style: S.timeline, 'data-testid': 'nrt-devtools-timeline', tabIndex: 0, 'aria-label': 'state changes, newest first' },
      timeline.map((e) => h('li', {
        key: e.seq, style: S.timelineEntry, 'data-testid': 'nrt-devtools-timeline-entry', 'data-kind': e.kind, 'data-to': e.to,
      },
      h('span', { style: S.muted }, clock(e.at), ' '),
      h('span', { style: e.kind === 'state' ? { color: S.STATUS_COLORS[connectionStatus(e).status] } : null }, timelineText(e))))));
});

// Newest first. The rows are a fixed pool that this component paints itself from the inspector, once
// per animation frame with new frames: React renders the log once, so its cost does not grow with
// the frame rate. (Rendering the rows through React at every animation frame held the test page at
// ~15 frames/s under a 1,000 frames/s burst with React's development build, whose elements are costly.)
// Scrolling away from the top (or Pause) freezes what is shown, so rows do not move under the reader;
// back at the top it follows again.
const EventLog = memo(function EventLog({ inspector }) {
  const box = useRef(null);
  const spacer = useRef(null);
  const count = useRef(null);
  const rows = useRef([]);
  const view = useRef({ frozen: null, frozenTotal: 0, byScroll: false });
  const [paused, setPaused] = useState(false);

  const paint = useCallback(() => {
    const v = view.current;
    if (!box.current) return;
    const list = v.frozen ?? inspector.entries();
    spacer.current.style.height = `${list.length * S.ROW_HEIGHT}px`;
    const first = Math.floor(box.current.scrollTop / S.ROW_HEIGHT);
    rows.current.forEach((row, j) => {
      if (row) paintRow(row, list[first + j], first + j);
    });
    count.current.textContent = `${list.length} shown of ${inspector.total}`
      + (v.frozen ? ` · paused, ${inspector.total - v.frozenTotal} newer` : '');
  }, [inspector]);
  useEffect(() => {
    paint();
    return inspector.subscribeFrames(paint);
  }, [inspector, paint]);

  const freeze = (byScroll) => {
    view.current = { frozen: inspector.entries(), frozenTotal: inspector.total, byScroll };
    setPaused(true);
  };
  const follow = () => {
    view.current = { frozen: null, frozenTotal: 0, byScroll: false };
    setPaused(false);
  };
  const onScroll = () => {
    const top = box.current.scrollTop;
    if (top > 0 && !view.current.frozen) freeze(true);
    else if (top === 0 && view.current.byScroll) follow();
    paint();
  };
  const togglePause = () => {
    if (view.current.frozen) follow();
    else freeze(false);
    paint();
  };
  const clear = () => {
    follow();
    act(() => inspector.clear());
    box.current.scrollTop = 0;
    paint();
  };

  const pool = [];
  for (let j = 0; j <= S.LOG_ROWS; j++) {
    pool.push(h('div', { key: j, ref: (el) => { rows.current[j] = el; }, hidden: true, style: S.row, 'data-testid': 'nrt-devtools-log-row' },
      h('span', { style: S.cells.time }), h('span', { style: S.cells.verdict }), h('span', { style: S.cells.type }),
      h('span', { style: S.cells.key }), h('span', { style: S.cells.bytes }), h('span', { style: S.cells.preview })));
  }
  return h('section', { style: S.section, 'aria-label': 'event log' },
    h('h2', { style: S.heading },
      h('span', { style: { flex: 1 } }, 'Event log ', h('span', { style: S.count, ref: count, 'data-testid': 'nrt-devtools-log-count' })),
      h('button', {
        type: 'button', style: S.smallButton, 'aria-pressed': paused, onClick: togglePause, 'data-testid': 'nrt-devtools-pause',
      }, paused ? 'Resume' : 'Pause'),
      h('button', { type: 'button', style: S.smallButton, onClick: clear, 'data-testid': 'nrt-devtools-clear' }, 'Clear')),
    h('div', {
      ref: box, style: S.log, onScroll, tabIndex: 0, role: 'region', 'aria-label': 'frames, newest first', 'data-testid': 'nrt-devtools-log',
    },
    h('div', { ref: spacer, style: S.spacer }, pool)));
});

// One pooled row shows entry `i` (or hides, past the end). Rows keep their entry's number, so a row
// whose entry did not change is left alone.
function paintRow(row, entry, i) {
  if (!entry) {
    row.hidden = true;
    row.dataset.seq = '';
    return;
  }
  row.hidden = false;
  row.style.top = `${i * S.ROW_HEIGHT}px`;
  if (row.dataset.seq === String(entry.seq)) return;
  row.dataset.seq = String(entry.seq);
  row.dataset.verdict = entry.verdict;
  const [time, verdict, type, key, size, preview] = row.children;
  const previewText = entry.error ? `${entry.error} · ${entry.preview ?? ''}` : entry.preview ?? '';
  row.title = previewText;
  time.textContent = clock(entry.at);
  verdict.textContent = entry.verdict;
  verdict.style.color = S.VERDICT_COLORS[entry.verdict] ?? '';
  type.textContent = entry.type ?? typeFromPreview(entry.preview) ?? '?';
  key.textContent = entry.key ?? '';
  size.textContent = String(entry.bytes);
  preview.textContent = previewText;
}

// A bug in the panel must not unmount the app it sits beside: React unmounts the whole root on an
// error no boundary catches.
class Boundary extends Component {
  constructor(props) {
    super(props);
    this.state = { error: null };
  }

  static getDerivedStateFromError(error) {
    return { error };
  }

  render() {
    if (!this.state.error) return this.props.children;
    return h('aside', { style: S.dock(this.props.position, false), 'data-testid': 'nrt-devtools', 'data-status': 'crashed' },
      h('div', { style: S.header },
        h('span', { style: S.problem }, `realtime devtools stopped: ${this.state.error?.message ?? this.state.error}`),
        h('button', { type: 'button', style: S.smallButton, onClick: () => this.setState({ error: null }) }, 'Restart')));
  }
}

export function RealtimeDevtools(props) {
  return h(Boundary, { position: props.position }, h(Devtools, props));
}
