// The panel's look, as inline style objects: nothing to load, nothing that leaks into the app's CSS.
// Colours are GitHub's dark palette; every text colour keeps 4.5:1 contrast on the background.

export const ROW_HEIGHT = 18;
export const LOG_ROWS = 12;

const FONT = '11px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace';
const BG = '#0d1117';
const TEXT = '#c9d1d9';
const MUTED = '#8b949e';
const LINE = '#30363d';

export const VERDICT_COLORS = {
  deliver: '#7ee787',
  duplicate: '#e3b341',
  unsubscribed: MUTED,
  consumed: '#79c0ff',
  rejected: '#ff7b72',
  ignored: MUTED,
};

export const STATUS_COLORS = {
  connected: '#7ee787',
  connecting: '#e3b341',
  reconnecting: '#e3b341',
  offline: '#d29922',
  idle: MUTED,
  closed: '#ff7b72',
  signed_out: '#ff7b72',
  failed: '#ff7b72',
  'no client': MUTED,
};

const CORNERS = {
  'bottom-right': { bottom: 12, right: 12 },
  'bottom-left': { bottom: 12, left: 12 },
  'top-right': { top: 12, right: 12 },
  'top-left': { top: 12, left: 12 },
};

export function dock(position, open) {
  return {
    position: 'fixed',
    ...(CORNERS[position] ?? CORNERS['bottom-right']),
    zIndex: 2147483000,
    width: open ? 640 : 'auto',
    maxWidth: 'calc(100vw - 24px)',
    maxHeight: 'calc(100vh - 24px)',
    overflow: 'auto',
    boxSizing: 'border-box',
    background: BG,
    color: TEXT,
    font: FONT,
    textAlign: 'left',
    border: `1px solid ${LINE}`,
    borderRadius: 6,
    boxShadow: '0 8px 24px rgba(0, 0, 0, 0.4)',
    contain: 'layout paint style',  // what changes inside never makes the page lay itself out again
  };
}

export const header = { display: 'flex', alignItems: 'center', gap: 8, padding: '4px 6px' };
export const toggle = {
  font: FONT, color: TEXT, background: 'transparent', border: 0, padding: '2px 4px', cursor: 'pointer', display: 'flex', alignItems: 'center', gap: 6,
};
export const dot = (color) => ({ display: 'inline-block', width: 8, height: 8, borderRadius: 4, background: color, flex: 'none' });
export const body = { padding: '0 8px 8px', borderTop: `1px solid ${LINE}` };
export const section = { marginTop: 8 };
export const heading = { margin: '0 0 4px', font: FONT, fontWeight: 600, color: MUTED, display: 'flex', alignItems: 'center', gap: 8 };
export const summary = { display: 'flex', flexWrap: 'wrap', gap: '4px 12px', marginTop: 6 };
export const muted = { color: MUTED };
export const buttons = { display: 'flex', flexWrap: 'wrap', gap: 6, marginTop: 8 };
export const button = {
  font: FONT, color: TEXT, background: '#21262d', border: `1px solid ${LINE}`, borderRadius: 4, padding: '2px 8px', cursor: 'pointer',
};
export const smallButton = { ...button, padding: '0 6px' };
export const counters = { display: 'grid', gridTemplateColumns: 'repeat(3, 1fr)', gap: '0 14px', margin: 0 };
export const counter = { display: 'flex', justifyContent: 'space-between', gap: 4, minWidth: 0 };
export const counterName = { color: MUTED, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', margin: 0 };
export const counterValue = { margin: 0, whiteSpace: 'nowrap' };
export const timeline = { maxHeight: 110, overflowY: 'auto', margin: 0, padding: 0, listStyle: 'none' };
export const timelineEntry = { whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' };
export const log = {
  height: ROW_HEIGHT * LOG_ROWS, overflowY: 'auto', position: 'relative', border: `1px solid ${LINE}`, borderRadius: 4, contain: 'strict',
};
export const spacer = { position: 'relative', minHeight: '100%' };
export const count = { fontWeight: 400 };
export const row = {
  position: 'absolute', left: 0, right: 0, height: ROW_HEIGHT, display: 'flex', gap: 8, padding: '0 6px', whiteSpace: 'nowrap', overflow: 'hidden',
};
const cell = (width) => ({ flex: `0 0 ${width}px`, overflow: 'hidden', textOverflow: 'ellipsis' });
export const cells = {
  time: { ...cell(84), color: MUTED },
  verdict: cell(80),
  type: cell(104),
  key: cell(52),
  bytes: { ...cell(36), textAlign: 'right', color: MUTED },
  preview: { flex: '1 1 auto', overflow: 'hidden', textOverflow: 'ellipsis', color: MUTED },
};
export const problem = { color: '#ff7b72', marginTop: 6, whiteSpace: 'pre-wrap' };
