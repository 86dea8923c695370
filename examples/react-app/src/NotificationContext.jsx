// Toasts for pushed events (useEvent: the latest handler, so it sees the open conversation). At most
// MAX_TOASTS, one per subject (a repeat replaces it and counts up), none for a message in the open
// conversation, each gone after TOAST_MS of the page being visible or with its close button.
import { createContext, useCallback, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import { useEvent } from '@numeneon/realtime/react';
import { displayName } from './names.js';
import { useChat } from './route.js';

const NotificationContext = createContext(null);
export const useNotifications = () => useContext(NotificationContext);
const MAX_TOASTS = 3;
const TOAST_MS = 6000;
let nextId = 1;

function subscribeVisibility(onChange) {
  document.addEventListener('visibilitychange', onChange);
  return () => document.removeEventListener('visibilitychange', onChange);
}
const pageVisible = () => document.visibilityState === 'visible';
const short = (text) => (text.length > 80 ? `${text.slice(0, 79)}…` : text);

export function NotificationProvider({ children }) {
  const [chat] = useChat();
  const visible = useSyncExternalStore(subscribeVisibility, pageVisible);
  const [toasts, setToasts] = useState([]);  // [{ id, key, kind, text, count, expiresAt }], oldest first

  const notify = useCallback((key, kind, text) => setToasts((list) => {
    const same = list.find((t) => t.key === key);
    const toast = { id: same?.id ?? nextId++, key, kind, text, count: (same?.count ?? 0) + 1, expiresAt: Date.now() + TOAST_MS };
    return [...list.filter((t) => t.key !== key), toast].slice(-MAX_TOASTS);
  }), []);
  const dismiss = useCallback((id) => setToasts((list) => list.filter((t) => t.id !== id)), []);

  // Toasts expire only while the page is visible: back in a hidden tab, you still see what came in.
  useEffect(() => {
    if (!visible || toasts.length === 0) return undefined;
    const next = Math.min(...toasts.map((t) => t.expiresAt));
    const timer = setTimeout(() => setToasts((list) => list.filter((t) => t.expiresAt > Date.now())), next - Date.now());
    return () => clearTimeout(timer);
  }, [toasts, visible]);
  useEffect(() => {
    if (visible) setToasts((list) => list.map((t) => ({ ...t, expiresAt: Math.max(t.expiresAt, Date.now() + TOAST_MS) })));
  }, [visible]);

  useEvent('friend_request', (data) => {
    const who = data.from_user;
    notify(`request:${data.request_id}`, 'friend_request', `${displayName(who)} (@${who.username}) sent you a friend request`);
  });
  useEvent('friend_accepted', (data) => {
    notify(`accepted:${data.friend.id}`, 'friend_accepted', `${displayName(data.friend)} accepted your friend request!`);
  });
  useEvent('new_message', (data) => {
    if (data.sender.username === chat) return;  // it is on screen already
    notify(`message:${data.sender.id}`, 'new_message', short(`New message from ${data.sender.username}: ${data.content}`));
  });

  return (
    <NotificationContext.Provider value={{ toasts, notify, dismiss }}>
      {children}
    </NotificationContext.Provider>
  );
}

// One polite live region, always in the page, so each new toast is announced.
export function Toasts() {
  const { toasts, dismiss } = useNotifications();
  return (
    <aside className="toasts" aria-label="Notifications">
      <div role="status" data-testid="toasts">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`} data-testid="toast" data-kind={t.kind}>
            <span>{t.text}{t.count > 1 && <strong> ({t.count} new)</strong>}</span>
            <button type="button" className="close" aria-label="Dismiss notification" onClick={() => dismiss(t.id)}>×</button>
          </div>
        ))}
      </div>
    </aside>
  );
}
