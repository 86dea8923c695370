import { createContext, useCallback, useContext, useEffect, useRef, useState } from "react";
import apiClient from "../services/apiClient";
import { useAuth } from "./AuthContext";
import { useWebSocket } from "./WebSocketContext";

const MessageContext = createContext(null);
const POLL_INTERVAL_MS = 5000;

export function MessageProvider({ children }) {
  const { user } = useAuth();
  const { isConnected, subscribe } = useWebSocket();
  const [activeFriend, setActiveFriend] = useState(null);
  const [messages, setMessages] = useState([]);
  const active = useRef(null);

  const loadConversation = useCallback(async (friendId) => {
    const list = await apiClient.get(`/api/messages/conversation/${friendId}/`);
    if (active.current?.id === friendId) setMessages(list);
  }, []);

  const openConversation = useCallback(
    (friend) => {
      active.current = friend;
      setActiveFriend(friend);
      setMessages([]);
      loadConversation(friend.id).catch(() => {});
    },
    [loadConversation],
  );

  useEffect(() => {
    if (user) return;
    active.current = null;
    setActiveFriend(null);
    setMessages([]);
  }, [user]);

  useEffect(() => {
    if (!user) return undefined;
    return subscribe("new_message", (data) => {
      if (data.sender.id === active.current?.id) setMessages((prev) => [...prev, data]);
    });
  }, [user, subscribe]);

  // No live connection: fall back to polling the open conversation.
  useEffect(() => {
    if (!user || isConnected || !activeFriend) return undefined;
    const timer = setInterval(() => loadConversation(activeFriend.id).catch(() => {}), POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [user, isConnected, activeFriend, loadConversation]);

  const sendMessage = useCallback(async (content) => {
    const friend = active.current;
    const message = await apiClient.post("/api/messages/", { receiver_id: friend.id, content });
    if (active.current?.id === friend.id) setMessages((prev) => [...prev, message]);
  }, []);

  return (
    <MessageContext.Provider value={{ activeFriend, messages, openConversation, sendMessage }}>
      {children}
    </MessageContext.Provider>
  );
}

export const useMessages = () => useContext(MessageContext);
