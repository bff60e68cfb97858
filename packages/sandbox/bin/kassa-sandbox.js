#!/usr/bin/env node
// The package ships TypeScript sources and Node 20 cannot run them directly, so tsx
// compiles them as they load.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
