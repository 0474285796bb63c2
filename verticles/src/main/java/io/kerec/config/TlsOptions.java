package io.kerec.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * HTTPS for the API: off unless {@code enabled}; then the PEM certificate chain ({@code certPath}) and private key
 * ({@code keyPath}), and the TLS engine ({@code openssl}, BoringSSL shipped for linux-x86_64, or the JDK's
 * {@code jdk}). HTTP/2 is offered over ALPN next to HTTP/1.1.
 */
public record TlsOptions(boolean enabled, String certPath, String keyPath, String engine) {
  static TlsOptions defaults() {
    return new TlsOptions(false, null, null, "openssl");
  }

  void validate() {
    Require.oneOf("tls.engine", engine, "openssl", "jdk");
    if (!enabled) {
      return;
    }
    for (String[] file : new String[][] {{"tls.certPath", certPath}, {"tls.keyPath", keyPath}}) {
      Require.nonBlank(file[0], file[1]);
      if (!Files.isReadable(Path.of(file[1]))) {
        throw new ConfigException(file[0], "cannot read " + file[1]);
      }
    }
  }
}
