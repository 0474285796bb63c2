package io.kerec.config;

import java.util.List;
import java.util.Set;

/**
 * HTTP server: where it listens, how large a request body may be, who may call it from a browser, the live
 * WebSocket's limits, and whether the benchmark endpoints are on.
 *
 * @param allowedHosts the names a request's {@code Host} may carry (DNS-rebinding protection). Empty (the default):
 *     the loopback names plus {@code host}, or any name when {@code host} is a wildcard address ({@code 0.0.0.0},
 *     {@code ::}), where the API keys guard the API; {@code "*"} turns the check off
 * @param allowedOrigins browser origins (such as {@code https://shop.example}) that may post and open the live
 *     WebSocket besides the engine's own; listing any turns CORS on for them. Empty (the default): the engine's own
 *     origin only, no CORS
 * @param maxLiveSockets the most live WebSockets open at once; beyond it an upgrade gets 429
 * @param liveConnects live WebSocket upgrades a minute per client (its token's name, or its address), with a burst
 *     as large; beyond it 429
 * @param benchEndpoints serve {@code GET /bench/noop}, a bare handler that answers a tiny JSON without touching the
 *     engine, as the reference the serve benchmark measures the engine against. Off by default; allowed only on a
 *     loopback {@code host}, so it is never exposed.
 */
public record HttpOptions(String host, int port, long maxBodyBytes, int maxBatch, List<String> allowedHosts,
                          List<String> allowedOrigins, int maxLiveSockets, int liveConnects,
                          boolean benchEndpoints) {
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1");

  static HttpOptions defaults() {
    return new HttpOptions("127.0.0.1", 8080, 1024 * 1024, 10_000, List.of(), List.of(), 10_000, 60, false);
  }

  void validate() {
    Require.nonBlank("http.host", host);
    Require.range("http.port", port, 0, 65535);
    Require.range("http.maxBodyBytes", maxBodyBytes, 1024, 1L << 30);
    Require.range("http.maxBatch", maxBatch, 1, 1_000_000);
    Require.range("http.maxLiveSockets", maxLiveSockets, 1, 10_000_000);
    Require.range("http.liveConnects", liveConnects, 1, 10_000_000);
    if (allowedHosts == null) {
      throw new ConfigException("http.allowedHosts", "must be a list (empty for the default)");
    }
    for (int i = 0; i < allowedHosts.size(); i++) {
      String h = allowedHosts.get(i);
      if (h == null || !h.matches("\\*|[A-Za-z0-9.\\-]+|\\[?[0-9a-fA-F:]+]?")) {
        throw new ConfigException("http.allowedHosts[" + i + "]", "must be a host name or address without port, or"
            + " \"*\", got " + h);
      }
    }
    if (allowedOrigins == null) {
      throw new ConfigException("http.allowedOrigins", "must be a list (empty for the engine's own origin only)");
    }
    for (int i = 0; i < allowedOrigins.size(); i++) {
      String o = allowedOrigins.get(i);
      if (o == null || !o.matches("https?://[A-Za-z0-9.\\-]+(:\\d{1,5})?|https?://\\[[0-9a-fA-F:]+](:\\d{1,5})?")) {
        throw new ConfigException("http.allowedOrigins[" + i + "]", "must be an origin such as https://shop.example"
            + " or http://localhost:3000 (scheme, host, optional port, nothing else), got " + o);
      }
    }
    if (benchEndpoints && !LOOPBACK.contains(host)) {
      throw new ConfigException("http.benchEndpoints", "allowed only with a loopback http.host (127.0.0.1, localhost "
          + "or ::1), not '" + host + "'");
    }
  }
}
