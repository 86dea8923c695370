// Conversations: the open one is loaded over REST; pushes append to it; resync re-fetches it.
import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { useWebSocket } from '@numeneon/realtime/react';
import { api } from './session.js';

const MessageContext = createContext(null);
export const useMessages = () => useContext(MessageContext);

// Pushes usually arrive before the REST answer that caused them: merge by id, keep order by time.
const merge = (list, message) => (list.some((m) => m.id === message.id)
  ? list
  : [...list, message].sort((a, b) => a.created_at.localeCompare(b.created_at)));

export function MessageProvider({ children }) {
  const { subscribe, on } = useWebSocket();
  const [peerId, setPeerId] = useState(null);
  const [messages, setMessages] = useState([]);
  const peer = useRef(null);  // the open conversation, for handlers that outlive a render

  const load = useCallback(async (id) => {
    if (id == null) return;
    const list = await api('GET', `/api/messages/conversation/${id}/`);
    if (peer.current === id) setMessages(list);
  }, []);

  const open = useCallback((id) => {
    peer.current = id;
    setPeerId(id);
    setMessages([]);
    load(id).catch(() => {});
  }, [load]);

  useEffect(() => on('resync', () => { load(peer.current).catch(() => {}); }), [on, load]);
  useEffect(() => subscribe('new_message', (data) => {
    if (data.sender.id === peer.current) setMessages((list) => merge(list, data));
  }), [subscribe]);

  const send = useCallback(async (content) => {
    const id = peer.current;
    const message = await api('POST', '/api/messages/', { receiver_id: id, content });
    if (peer.current === id) setMessages((list) => merge(list, message));
  }, []);

  return (
    <MessageContext.Provider value={{ peerId, messages, open, send }}>
      {children}
    </MessageContext.Provider>
  );
}
