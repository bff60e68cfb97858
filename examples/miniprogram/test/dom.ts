import { JSDOM } from "jsdom";

/**
 * The DOM miniprogram-simulate renders into, as globals, in vitest's node environment: its
 * jsdom environment swaps Node's TextEncoder and Uint8Array for jsdom's, which esbuild and
 * Kassa's own crypto refuse. Only the names j-component and the simulator read are set.
 */
export function installDom(): JSDOM {
  const dom = new JSDOM("<!doctype html><html><head></head><body></body></html>", {
    pretendToBeVisual: true,
  });
  const names = [
    "window",
    "document",
    "navigator",
    "Node",
    "Element",
    "HTMLElement",
    "Event",
    "CustomEvent",
    "MouseEvent",
    "TouchEvent",
    "KeyboardEvent",
    "DocumentFragment",
    "Text",
    "Comment",
    "getComputedStyle",
    "requestAnimationFrame",
    "cancelAnimationFrame",
  ] as const;
  const globals = globalThis as Record<string, unknown>;
  for (const name of names) {
    const value = name === "window" ? dom.window : (dom.window as unknown as Record<string, unknown>)[name];
    if (value !== undefined)
      Object.defineProperty(globals, name, { value, configurable: true, writable: true });
  }
  return dom;
}
