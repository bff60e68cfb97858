import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from "react";
import { ApiError, api, type Operator, rememberCsrfToken } from "./api.ts";

interface SessionState {
  /** undefined while asking the server; null when nobody is logged in. */
  operator: Operator | null | undefined;
  logIn: (input: { login: string; password: string; totp?: string }) => Promise<void>;
  logOut: () => Promise<void>;
  /** The server ended the session (idle, expired, logged out elsewhere): back to the login page. */
  ended: () => void;
}

const SessionContext = createContext<SessionState | null>(null);

/**
 * Who is logged in, asked of the server (the cookie is HttpOnly: this code never sees it).
 * A reload asks GET /admin/v1/session again, which also gives back the CSRF token.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [operator, setOperator] = useState<Operator | null | undefined>(undefined);
  useEffect(() => {
    api<{ operator: Operator; csrfToken: string }>("GET", "/session")
      .then((session) => {
        rememberCsrfToken(session.csrfToken);
        setOperator(session.operator);
      })
      .catch((error: unknown) => {
        if (!(error instanceof ApiError)) console.warn("the session could not be read", error);
        setOperator(null);
      });
  }, []);
  const logIn = useCallback(async (input: { login: string; password: string; totp?: string }) => {
    const session = await api<{ operator: Operator; csrfToken: string }>("POST", "/session", input);
    rememberCsrfToken(session.csrfToken);
    setOperator(session.operator);
  }, []);
  const logOut = useCallback(async () => {
    await api("DELETE", "/session").catch(() => undefined);
    rememberCsrfToken(undefined);
    setOperator(null);
  }, []);
  const ended = useCallback(() => {
    rememberCsrfToken(undefined);
    setOperator(null);
  }, []);
  return (
    <SessionContext.Provider value={{ operator, logIn, logOut, ended }}>{children}</SessionContext.Provider>
  );
}

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}
