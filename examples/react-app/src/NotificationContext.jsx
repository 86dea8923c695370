// Toasts for pushed events, subscribed exactly like NUMENEON's own NotificationContext.
import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import { useWebSocket } from '@numeneon/realtime/react';
import { displayName } from './names.js';

const NotificationContext = createContext(null);
export const useNotifications = () => useContext(NotificationContext);
const TOAST_MS = 6000;
let nextId = 1;

export function NotificationProvider({ children }) {
  const { subscribe } = useWebSocket();
  const [toasts, setToasts] = useState([]);

  const dismiss = useCallback((id) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const notify = useCallback((text, kind) => {
    const id = nextId++;
    setToasts((list) => [...list, { id, text, kind }]);
    setTimeout(() => dismiss(id), TOAST_MS);
  }, [dismiss]);

  useEffect(() => subscribe('friend_request', (data) => {
    notify(`${displayName(data.from_user)} sent you a friend request`, 'friend_request');
  }), [subscribe, notify]);
  useEffect(() => subscribe('friend_accepted', (data) => {
    notify(`${displayName(data.friend)} accepted your friend request!`, 'friend_accepted');
  }), [subscribe, notify]);
  useEffect(() => subscribe('new_message', (data) => {
    notify(`New message from ${data.sender.username}: ${data.content}`, 'new_message');
  }), [subscribe, notify]);

  return (
    <NotificationContext.Provider value={{ toasts, notify, dismiss }}>
      {children}
    </NotificationContext.Provider>
  );
}
