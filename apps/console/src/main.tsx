import { App as AntApp } from "antd";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { ConsoleRoutes } from "./console-routes.tsx";
import { cspNonce, nonceEveryStyleElement } from "./csp-nonce.ts";
import { I18nProvider } from "./i18n.tsx";
import { SessionProvider } from "./session.tsx";
import "./console.css";

const nonce = cspNonce();
nonceEveryStyleElement(nonce);

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <I18nProvider nonce={nonce}>
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
