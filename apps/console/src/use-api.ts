import { useEffect, useState } from "react";
import { ApiError, api } from "./api.ts";
import { useSession } from "./session.tsx";

/**
 * GET an admin API path and re-read when it changes. A 401 means the server ended the
 * session (idle or absolute timeout, logout elsewhere): back to the login page.
 */
export function useApi<T>(path: string, version = 0) {
  const { ended } = useSession();
  const [state, setState] = useState<{ data?: T; error?: ApiError | Error; loading: boolean }>({
    loading: true,
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: version is a reload trigger
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    api<T>("GET", path)
      .then((data) => current && setState({ data, loading: false }))
      .catch((error: unknown) => {
        if (!current) return;
        if (error instanceof ApiError && error.status === 401) ended();
        setState({ error: error instanceof Error ? error : new Error(String(error)), loading: false });
      });
    return () => {
      current = false;
    };
  }, [path, version, ended]);
  return state;
}
