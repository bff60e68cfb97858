import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The console is served by Kassa at /console (apps/server/src/http/console/). Vite writes
 * CSP_NONCE_PLACEHOLDER on every script and style tag of index.html, and a
 * `<meta property="csp-nonce">`; the server swaps in a fresh nonce per request, the same one
 * its Content-Security-Policy names, so no 'unsafe-inline' is needed for Ant Design's
 * CSS-in-JS either (src/main.tsx hands the nonce to its ConfigProvider).
 */
export const CSP_NONCE_PLACEHOLDER = "KASSA_CSP_NONCE";

export default defineConfig({
  base: "/console/",
  plugins: [react()],
  html: { cspNonce: CSP_NONCE_PLACEHOLDER },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // antd and ECharts are large; one vendor file caches across console releases.
    chunkSizeWarningLimit: 2_500,
    rollupOptions: {
      output: {
        manualChunks: (id: string) => (id.includes("node_modules") ? "vendor" : undefined),
      },
    },
  },
});
