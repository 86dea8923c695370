import { createContext, useContext, useEffect, useRef, useState } from "react";
import { useAuth } from "./AuthContext";
import { useWebSocket } from "./WebSocketContext";

const NotificationContext = createContext(null);

// type → the line shown for it
const DESCRIBE = {
  new_post: (data) => `${data.author.username} posted`,
  new_post_notification: (data) => data.message,
  wall_post: (data) => data.message,
  post_comment: (data) => data.message,
  comment_reply: (data) => data.message,
  friend_accepted: (data) => `${data.friend.username} accepted your friend request`,
};

export function NotificationProvider({ children }) {
  const { user } = useAuth();
  const { subscribe } = useWebSocket();
  const [notifications, setNotifications] = useState([]);
  const nextId = useRef(1);

  useEffect(() => {
    if (!user) setNotifications([]);
  }, [user]);

  useEffect(() => {
    if (!user) return undefined;
    const offs = Object.entries(DESCRIBE).map(([type, describe]) =>
      subscribe(type, (data) => {
        const id = nextId.current++;
        setNotifications((prev) => [{ id, type, text: describe(data) }, ...prev]);
      }),
    );
    return () => offs.forEach((off) => off());
  }, [user, subscribe]);

  return <NotificationContext.Provider value={{ notifications }}>{children}</NotificationContext.Provider>;
}

export const useNotifications = () => useContext(NotificationContext);
