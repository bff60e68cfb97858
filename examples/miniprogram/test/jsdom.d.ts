/**
 * The slice of jsdom's API dom.ts uses. @types/jsdom would bring the DOM's lib into the root
 * tsconfig's Node-only world, where the server's code must not see `document`.
 */
declare module "jsdom" {
  export class JSDOM {
    constructor(html: string, options?: { pretendToBeVisual?: boolean });
    readonly window: Record<string, unknown> & {
      document: { createElement(tagName: string): import("./page-driver.ts").DomNode };
    };
  }
}
