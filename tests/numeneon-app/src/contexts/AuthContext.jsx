import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import apiClient, { clearTokens } from "../services/apiClient";

const AuthContext = createContext(null);

export function AuthProvider({ children }) {
  const [token, setToken] = useState(() => localStorage.getItem("accessToken"));
  const [user, setUser] = useState(null);
  const [isLoading, setIsLoading] = useState(() => Boolean(localStorage.getItem("accessToken")));

  const logout = useCallback(() => {
    clearTokens();
    setToken(null);
    setUser(null);
  }, []);

  // A stored session is restored on page load.
  useEffect(() => {
    if (!localStorage.getItem("accessToken")) return;
    apiClient
      .get("/api/auth/me/")
      .then(setUser, logout)
      .finally(() => setIsLoading(false));
  }, [logout]);

  const login = useCallback(async (email, password) => {
    const tokens = await apiClient.post("/api/auth/login/", { email, password }, { authenticated: false });
    localStorage.setItem("accessToken", tokens.access);
    localStorage.setItem("refreshToken", tokens.refresh);
    const me = await apiClient.get("/api/auth/me/");
    setToken(tokens.access);
    setUser(me);
    return me;
  }, []);

  const signup = useCallback(
    async ({ email, username, password, first_name = "", last_name = "" }) => {
      await apiClient.post(
        "/api/auth/signup/",
        { email, username, password, first_name, last_name },
        { authenticated: false },
      );
      return login(email, password);
    },
    [login],
  );

  const value = useMemo(
    () => ({ user, token, isAuthenticated: Boolean(user), isLoading, login, signup, logout }),
    [user, token, isLoading, login, signup, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth() {
  const context = useContext(AuthContext);
  if (!context) throw new Error("useAuth must be used within an AuthProvider");
  return context;
}
