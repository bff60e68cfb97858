/**
 * Every text the console shows, in zh-CN (the default: the merchants' language) and English.
 * One table per language with the same keys, so the compiler refuses a missing translation.
 */
const zhCN = {
  "app.title": "Kassa 运营控制台",
  "login.title": "登录运营控制台",
  "login.login": "账号",
  "login.password": "密码",
  "login.totp": "动态验证码",
  "login.totpHint": "请输入身份验证器中的 6 位数字",
  "login.submit": "登录",
  "login.required": "请填写此项",
  "layout.logout": "退出登录",
  "layout.language": "English",
  "menu.home": "概览",
  "role.viewer": "只读",
  "role.support": "客服",
  "role.finance": "财务",
  "role.admin": "管理员",
  "home.welcome": "欢迎，{login}",
  "home.role": "角色",
  "home.apps": "可见应用",
  "home.allApps": "全部应用",
  "error.generic": "出错了：{message}",
  "error.sessionExpired": "会话已过期，请重新登录",
} as const;

export type MessageKey = keyof typeof zhCN;

const en: Record<MessageKey, string> = {
  "app.title": "Kassa operators' console",
  "login.title": "Log in to the console",
  "login.login": "Login",
  "login.password": "Password",
  "login.totp": "Authenticator code",
  "login.totpHint": "The 6 digits your authenticator app shows",
  "login.submit": "Log in",
  "login.required": "Please fill this in",
  "layout.logout": "Log out",
  "layout.language": "中文",
  "menu.home": "Overview",
  "role.viewer": "Viewer",
  "role.support": "Support",
  "role.finance": "Finance",
  "role.admin": "Admin",
  "home.welcome": "Welcome, {login}",
  "home.role": "Role",
  "home.apps": "Apps you see",
  "home.allApps": "every app",
  "error.generic": "Something went wrong: {message}",
  "error.sessionExpired": "Your session has ended; please log in again",
};

export type Language = "zh-CN" | "en";
export const MESSAGES: Record<Language, Record<MessageKey, string>> = { "zh-CN": zhCN, en };
