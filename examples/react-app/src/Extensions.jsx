// The protocol extensions the server may offer (presence, typing, read receipts): each piece shows only
// what the server said, and nothing at all on a server without the extension.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useClientEvent, usePresence, useReadReceipts, useTyping } from '@numeneon/realtime/react';
import { formatTime } from './clock.js';
import { displayName } from './names.js';
import { api } from './session.js';

// A friend's dot: green online, a grey ring offline, with the words for screen readers (or shown, with
// `showText`). Nothing while presence is not known: never a guessed "offline".
export function PresenceDot({ user, showText = false, testId = `presence-${user.username}` }) {
  const { online, lastSeen, supported } = usePresence(user.id);
  if (!supported || online === null) return null;
  const words = online ? 'online' : `offline${lastSeen ? `, last seen ${formatTime(lastSeen)}` : ''}`;
  return (
    <span className="presence" data-testid={testId} data-online={online}>
      <span className={`dot ${online ? 'dot-online' : 'dot-offline'}`} aria-hidden="true" />
      <span className={showText ? 'muted' : 'visually-hidden'}>{words}</span>
    </span>
  );
}

// "Bob is typing…" under the conversation, announced politely; the region exists only when the server
// has typing indicators.
export function TypingNote({ friend }) {
  const { typing, supported } = useTyping(friend.id);
  if (!supported) return null;
  return (
    <p className="typing" aria-live="polite" data-testid="typing">
      {typing && `${displayName(friend)} is typing…`}
    </p>
  );
}

function onVisibility(onChange) {
  document.addEventListener('visibilitychange', onChange);
  return () => document.removeEventListener('visibilitychange', onChange);
}
const usePageVisible = () => useSyncExternalStore(onVisibility, () => document.visibilityState === 'visible');

// Read receipts in the open conversation with `peerId`: tells them how far I have read theirs while the
// page is visible, and returns the id of my newest message they have read (null: none, or no receipts).
export function useSeen(peerId, myId, messages) {
  const { upTo, supported, markRead, seed } = useReadReceipts(peerId);
  const visible = usePageVisible();
  const [resyncs, setResyncs] = useState(0);
  useClientEvent('resync', () => setResyncs((n) => n + 1));

  // After a reload (or frames missed) the client does not know: REST does. Asked only of a server that
  // has the extension (others answer 404); a failure leaves it to the next message_read frame.
  useEffect(() => {
    if (!supported) return undefined;
    let current = true;
    api('GET', `/api/messages/read/${peerId}/`).then(({ theirs, theirs_read_at: readAt }) => {
      if (current && theirs != null) seed(theirs, readAt);
    }, () => {});
    return () => {
      current = false;
    };
  }, [supported, peerId, seed, resyncs]);

  const newestTheirs = newestId(messages, (m) => m.sender.id === peerId);
  useEffect(() => {
    if (supported && visible && newestTheirs !== null) markRead(newestTheirs);
  }, [supported, visible, newestTheirs, markRead]);

  return upTo === null ? null : newestId(messages, (m) => m.sender.id === myId && m.id <= upTo);
}

function newestId(messages, matches) {
  return messages.reduce((newest, m) => (matches(m) && (newest === null || m.id > newest) ? m.id : newest), null);
}
