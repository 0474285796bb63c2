package io.kerec.config;

/** HTTP server: where it listens and how large a request body may be. */
public record HttpOptions(String host, int port, long maxBodyBytes, int maxBatch) {
  static HttpOptions defaults() {
    return new HttpOptions("127.0.0.1", 8080, 1024 * 1024, 10_000);
  }

  void validate() {
    Require.nonBlank("http.host", host);
    Require.range("http.port", port, 0, 65535);
    Require.range("http.maxBodyBytes", maxBodyBytes, 1024, 1L << 30);
    Require.range("http.maxBatch", maxBatch, 1, 1_000_000);
  }
}
