import { defineConfig } from "vite";

export default defineConfig({
  root: new URL(".", import.meta.url).pathname,
  base: "/app/",
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 4000 },
  logLevel: "warn",
});
