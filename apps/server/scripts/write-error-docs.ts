import { writeFileSync } from "node:fs";
import { renderErrorsMarkdown } from "../src/http/error-docs.ts";

writeFileSync(new URL("../../../docs/errors.md", import.meta.url), renderErrorsMarkdown());
