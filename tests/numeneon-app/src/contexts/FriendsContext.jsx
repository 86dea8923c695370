import { createContext, useCallback, useContext, useEffect, useState } from "react";
import apiClient from "../services/apiClient";
import { useAuth } from "./AuthContext";
import { useWebSocket } from "./WebSocketContext";
import { displayName } from "../utils/names";

const FriendsContext = createContext(null);

export function FriendsProvider({ children }) {
  const { user } = useAuth();
  const { subscribe } = useWebSocket();
  const [friends, setFriends] = useState([]);
  const [pendingRequests, setPendingRequests] = useState([]);
  const [toast, setToast] = useState(null);

  useEffect(() => {
    setFriends([]);
    setPendingRequests([]);
    if (!user) return undefined;
    let active = true;
    Promise.all([apiClient.get("/api/friends/"), apiClient.get("/api/friends/requests/")])
      .then(([list, requests]) => {
        if (!active) return;
        setFriends(list);
        setPendingRequests(requests.map(({ id, from_user }) => ({ id, from_user })));
      })
      .catch(() => {});
    return () => {
      active = false;
    };
  }, [user]);

  useEffect(() => {
    if (!user) return undefined;
    const offRequest = subscribe("friend_request", (data) => {
      setPendingRequests((prev) => [...prev, { id: data.request_id, from_user: data.from_user }]);
    });
    const offAccepted = subscribe("friend_accepted", (data) => {
      setFriends((prev) => [...prev, data.friend]);
      setToast(`${displayName(data.friend)} accepted your friend request!`);
    });
    return () => {
      offRequest();
      offAccepted();
    };
  }, [user, subscribe]);

  const searchUsers = useCallback(
    (query) => apiClient.get(`/api/users/?search=${encodeURIComponent(query)}`),
    [],
  );
  const sendFriendRequest = useCallback((userId) => apiClient.post(`/api/friends/request/${userId}/`), []);
  const acceptFriendRequest = useCallback(async (request) => {
    await apiClient.post(`/api/friends/accept/${request.id}/`);
    setPendingRequests((prev) => prev.filter((r) => r.id !== request.id));
    setFriends((prev) => [...prev, request.from_user]);
  }, []);
  const clearToast = useCallback(() => setToast(null), []);

  return (
    <FriendsContext.Provider
      value={{ friends, pendingRequests, toast, clearToast, searchUsers, sendFriendRequest, acceptFriendRequest }}
    >
      {children}
    </FriendsContext.Provider>
  );
}

export const useFriends = () => useContext(FriendsContext);
