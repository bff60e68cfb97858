import { App as AntApp } from "antd";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { ConsoleRoutes } from "./console-routes.tsx";
import { I18nProvider } from "./i18n.tsx";
import { SessionProvider } from "./session.tsx";
import "./console.css";

/**
 * The nonce the server put in this page's CSP and in <meta property="csp-nonce"> (a fresh
 * one per request; the browser hides it from getAttribute, the `nonce` property keeps it).
 */
function cspNonce(): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]');
  return meta?.nonce ?? "";
}

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <I18nProvider nonce={cspNonce()}>
      <AntApp>
        <SessionProvider>
          <BrowserRouter basename="/console">
            <ConsoleRoutes />
          </BrowserRouter>
        </SessionProvider>
      </AntApp>
    </I18nProvider>
  </StrictMode>,
);
