// Friends and pending requests: loaded over REST, kept live by pushes, re-fetched on resync.
import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import { useWebSocket } from '@numeneon/realtime/react';
import { useAuth } from './auth.js';
import { api } from './session.js';

const FriendsContext = createContext(null);
export const useFriends = () => useContext(FriendsContext);

const withoutId = (list, id) => list.filter((item) => item.id !== id);
const addOnce = (list, item) => (list.some((x) => x.id === item.id) ? list : [...list, item]);

export function FriendsProvider({ children }) {
  const { user } = useAuth();
  const { subscribe, on } = useWebSocket();
  const [friends, setFriends] = useState([]);
  const [requests, setRequests] = useState([]);  // [{ id, from_user }]

  const load = useCallback(async () => {
    const [f, r] = await Promise.all([api('GET', '/api/friends/'), api('GET', '/api/friends/requests/')]);
    setFriends(f);
    setRequests(r);
  }, []);

  useEffect(() => {
    if (!user) {
      setFriends([]);
      setRequests([]);
      return;
    }
    load().catch(() => {});
  }, [user, load]);
  useEffect(() => on('resync', () => { load().catch(() => {}); }), [on, load]);

  useEffect(() => subscribe('friend_request', (data) => {
    setRequests((list) => addOnce(list, { id: data.request_id, from_user: data.from_user }));
  }), [subscribe]);
  useEffect(() => subscribe('friend_accepted', (data) => {
    setFriends((list) => addOnce(list, data.friend));
  }), [subscribe]);

  const accept = useCallback(async (request) => {
    await api('POST', `/api/friends/accept/${request.id}/`);
    setRequests((list) => withoutId(list, request.id));
    setFriends((list) => addOnce(list, request.from_user));
  }, []);
  const sendRequest = useCallback((userId) => api('POST', `/api/friends/request/${userId}/`), []);
  const search = useCallback((q) => api('GET', `/api/users/?search=${encodeURIComponent(q)}`), []);

  return (
    <FriendsContext.Provider value={{ friends, requests, accept, sendRequest, search }}>
      {children}
    </FriendsContext.Provider>
  );
}
