import { ConfigProvider } from "antd";
import enUS from "antd/es/locale/en_US";
import zhCN from "antd/es/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";
import { type Language, MESSAGES, type MessageKey } from "./messages.ts";

const STORAGE_KEY = "kassa.console.language";

interface I18n {
  language: Language;
  t: (key: MessageKey, values?: Record<string, string | number>) => string;
  switchLanguage: () => void;
}

const I18nContext = createContext<I18n | null>(null);

function initialLanguage(): Language {
  return localStorage.getItem(STORAGE_KEY) === "en" ? "en" : "zh-CN";
}

/**
 * zh-CN by default, English one click away; the choice is kept in this browser. Ant Design's
 * own texts and dayjs follow, and so does <html lang> (ECharts picks its locale from it).
 * `nonce` goes to Ant Design's CSS-in-JS, so its <style> tags pass the page's CSP.
 */
export function I18nProvider({ nonce, children }: { nonce: string; children: ReactNode }) {
  const [language, setLanguage] = useState<Language>(initialLanguage);
  const switchLanguage = useCallback(() => {
    setLanguage((current) => {
      const next = current === "zh-CN" ? "en" : "zh-CN";
      localStorage.setItem(STORAGE_KEY, next);
      return next;
    });
  }, []);
  const value = useMemo<I18n>(() => {
    document.documentElement.lang = language;
    dayjs.locale(language === "zh-CN" ? "zh-cn" : "en");
    return {
      language,
      switchLanguage,
      t: (key, values = {}) =>
        (MESSAGES[language][key] ?? key).replace(/\{(\w+)\}/g, (_, name: string) =>
          String(values[name] ?? ""),
        ),
    };
  }, [language, switchLanguage]);
  return (
    <I18nContext.Provider value={value}>
      <ConfigProvider locale={language === "zh-CN" ? zhCN : enUS} csp={{ nonce }}>
        {children}
      </ConfigProvider>
    </I18nContext.Provider>
  );
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error("useI18n outside I18nProvider");
  return i18n;
}
