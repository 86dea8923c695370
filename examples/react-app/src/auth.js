import { createContext, useContext } from 'react';

// { user, signIn(email, password), signUp(fields), signOut() }
export const AuthContext = createContext(null);
export const useAuth = () => useContext(AuthContext);
