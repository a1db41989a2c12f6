import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Queue and HTTP tests share one Redis and real sockets; a generous timeout
    // keeps a loaded CI machine from flaking while assertions stay behavioural.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
