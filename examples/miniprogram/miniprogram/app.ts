// The app itself holds nothing: every page talks to Kassa through utils/kassa.ts, which keeps
// the session in storage and logs in again when it has expired.
App({});
