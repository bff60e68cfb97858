/**
 * The nonce the server put in this page's CSP and in <meta property="csp-nonce"> (a fresh
 * one per request; the browser hides it from getAttribute, the `nonce` property keeps it).
 */
export function cspNonce(): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]');
  return meta?.nonce ?? "";
}

/**
 * Ant Design's CSS-in-JS takes the nonce from ConfigProvider, but a few of its helpers write
 * a <style> of their own without it: rc-util's scrollbar measurement (every Table) and the
 * portal's scroll lock (Modal, Drawer). So every <style> this page creates carries the nonce
 * from birth, and the policy stays without 'unsafe-inline'. Scripts are unaffected: only the
 * nonce'd ones run, so no one else can create a style this way.
 */
export function nonceEveryStyleElement(nonce: string): void {
  const createElement = document.createElement.bind(document);
  document.createElement = ((tagName: string, options?: ElementCreationOptions) => {
    const element = createElement(tagName, options);
    if (tagName.toLowerCase() === "style") element.nonce = nonce;
    return element;
  }) as typeof document.createElement;
}
