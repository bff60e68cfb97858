import { createRequire } from "node:module";
import { join } from "node:path";
import type { JSDOM } from "jsdom";

const require = createRequire(import.meta.url);

/** A node of jsdom's document, as far as these tests read it. */
export interface DomNode {
  innerHTML: string;
  textContent: string | null;
}

/** The part of miniprogram-simulate's (j-component's) API these tests use. */
interface Rendered {
  dom: DomNode;
  instance: Record<string, unknown> & { data: Record<string, unknown> };
  attach(parent: DomNode): void;
  detach(): void;
  querySelector(selector: string): Rendered | undefined;
  querySelectorAll(selector: string): Rendered[];
  dispatchEvent(name: string, options?: { detail?: unknown }): void;
}

interface Simulate {
  load(path: string, options: { compiler: "simulate"; rootPath: string }): string;
  render(id: string): Rendered;
}

/**
 * A page of the built mini program, rendered by miniprogram-simulate with its pure-JS wxml
 * compiler (the official one is a native binary for DevTools' own platforms), and driven as
 * a payer drives it: onLoad with the query its URL carries, taps and typing.
 */
export class PageDriver {
  private constructor(readonly page: Rendered) {}

  static async open(buildDir: string, url: string, dom: JSDOM): Promise<PageDriver> {
    const simulate = require("miniprogram-simulate") as Simulate;
    const [path, search = ""] = url.replace(/^\//, "").split("?") as [string, string?];
    const id = simulate.load(join(buildDir, path), { compiler: "simulate", rootPath: buildDir });
    const page = simulate.render(id);
    page.attach(dom.window.document.createElement("parent-wrapper"));
    const onLoad = page.instance.onLoad as (query: Record<string, string>) => Promise<void>;
    await onLoad.call(page.instance, Object.fromEntries(new URLSearchParams(search)));
    return new PageDriver(page);
  }

  get data(): Record<string, unknown> {
    return this.page.instance.data;
  }

  /** The text a selector's node shows, or undefined when the page does not show it. */
  text(selector: string): string | undefined {
    return this.page.querySelector(selector)?.dom.textContent?.trim();
  }

  has(selector: string): boolean {
    return this.page.querySelector(selector) !== undefined;
  }

  get html(): string {
    return this.page.dom.innerHTML;
  }

  /** Taps, then waits until the page is no longer busy (a handler's promise is not returned to a tap). */
  async tap(selector: string): Promise<void> {
    this.#node(selector).dispatchEvent("tap");
    await this.until(() => this.data.busy !== true, `the page to finish after tapping ${selector}`);
  }

  type(selector: string, value: string): void {
    this.#node(selector).dispatchEvent("input", { detail: { value } });
  }

  async until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // A tap's handler starts on the next turn: give it one before the first look.
    await new Promise((resolve) => setTimeout(resolve, 0));
    while (!condition()) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; the page shows: ${this.html}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  #node(selector: string): Rendered {
    const node = this.page.querySelector(selector);
    if (!node) throw new Error(`the page shows no ${selector}: ${this.html}`);
    return node;
  }
}
