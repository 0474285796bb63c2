package io.kerec.config;

import java.util.Set;

/**
 * HTTP server: where it listens, how large a request body may be, and whether the benchmark endpoints are on.
 *
 * @param benchEndpoints serve {@code GET /bench/noop}, a bare handler that answers a tiny JSON without touching the
 *     engine, as the reference the serve benchmark measures the engine against. Off by default; allowed only on a
 *     loopback {@code host}, so it is never exposed.
 */
public record HttpOptions(String host, int port, long maxBodyBytes, int maxBatch, boolean benchEndpoints) {
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1");

  static HttpOptions defaults() {
    return new HttpOptions("127.0.0.1", 8080, 1024 * 1024, 10_000, false);
  }

  void validate() {
    Require.nonBlank("http.host", host);
    Require.range("http.port", port, 0, 65535);
    Require.range("http.maxBodyBytes", maxBodyBytes, 1024, 1L << 30);
    Require.range("http.maxBatch", maxBatch, 1, 1_000_000);
    if (benchEndpoints && !LOOPBACK.contains(host)) {
      throw new ConfigException("http.benchEndpoints", "allowed only with a loopback http.host (127.0.0.1, localhost "
          + "or ::1), not '" + host + "'");
    }
  }
}
