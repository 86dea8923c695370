// Conversations: the open one is loaded over REST and pushes append to it; a push from anyone else
// counts as unread. Resync re-fetches the open one and marks what had been missed.
import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { useClientEvent, useWebSocket } from '@numeneon/realtime/react';
import { useAuth } from './auth.js';
import { markMissed } from './lists.js';
import { api } from './session.js';

const MessageContext = createContext(null);
export const useMessages = () => useContext(MessageContext);

// Pushes usually arrive before the REST answer that caused them: merge by id, keep order by time.
const merge = (list, message) => (list.some((m) => m.id === message.id)
  ? list
  : [...list, message].sort((a, b) => a.created_at.localeCompare(b.created_at)));
const conversation = (id) => api('GET', `/api/messages/conversation/${id}/`);

export function MessageProvider({ children }) {
  const { user } = useAuth();
  const { subscribe } = useWebSocket();
  const [messages, setMessages] = useState([]);
  const [loaded, setLoaded] = useState(false);
  const [problem, setProblem] = useState(null);  // the last load failed: an ApiError
  const [unread, setUnread] = useState({});      // user id → messages pushed while their conversation was closed
  const peer = useRef(null);  // the open conversation, for handlers that outlive a render

  const load = useCallback(async (id) => {
    try {
      const list = await conversation(id);
      if (peer.current !== id) return;
      setMessages(list);
      setLoaded(true);
      setProblem(null);
    } catch (err) {
      if (peer.current === id) setProblem(err);
    }
  }, []);

  // open(user id) when a conversation is shown, open(null) when it is not any more.
  const open = useCallback((id) => {
    peer.current = id;
    setMessages([]);
    setLoaded(false);
    setProblem(null);
    if (id == null) return;
    setUnread(({ [id]: _seen, ...others }) => others);
    load(id);
  }, [load]);
  const reload = useCallback(() => load(peer.current), [load]);

  useEffect(() => {
    if (!user) setUnread({});
  }, [user]);

  // The latest handler sees the messages on screen, so the re-fetch can be compared with them.
  useClientEvent('resync', async () => {
    const id = peer.current;
    if (id == null) return;
    if (!loaded) {
      load(id);  // nothing was shown yet, so nothing can have been missed
      return;
    }
    try {
      const list = await conversation(id);
      if (peer.current === id) setMessages(markMissed(list, messages, (m) => m.sender.id === id));
    } catch (err) {
      if (peer.current === id) setProblem(err);
    }
  });

  useEffect(() => subscribe('new_message', (data) => {
    const from = data.sender.id;
    if (from === peer.current) setMessages((list) => merge(list, data));
    else setUnread((counts) => ({ ...counts, [from]: (counts[from] ?? 0) + 1 }));
  }), [subscribe]);

  const send = useCallback(async (content) => {
    const id = peer.current;
    const message = await api('POST', '/api/messages/', { receiver_id: id, content });
    if (peer.current === id) setMessages((list) => merge(list, message));
  }, []);

  return (
    <MessageContext.Provider value={{ messages, loaded, problem, unread, open, reload, send }}>
      {children}
    </MessageContext.Provider>
  );
}
