package io.kerec.config;

/**
 * TLS on the clustered event bus, both ways: each member presents the key and certificate of the PKCS#12
 * {@code keyStorePath} and accepts only peers whose certificate the PKCS#12 {@code trustStorePath} vouches for
 * (mutual TLS; a member without such a certificate cannot connect to send, nor be sent to). The stores' passwords
 * come from the environment variables {@code keyStorePasswordEnv} and {@code trustStorePasswordEnv}. The files are
 * checked when the clustered Vert.x starts.
 */
public record ClusterTlsOptions(boolean enabled, String keyStorePath, String keyStorePasswordEnv,
                                String trustStorePath, String trustStorePasswordEnv) {
  static ClusterTlsOptions defaults() {
    return new ClusterTlsOptions(false, null, null, null, null);
  }

  void validate() {
    if (!enabled) {
      return;
    }
    Require.nonBlank("cluster.tls.keyStorePath", keyStorePath);
    Require.nonBlank("cluster.tls.keyStorePasswordEnv", keyStorePasswordEnv);
    Require.nonBlank("cluster.tls.trustStorePath", trustStorePath);
    Require.nonBlank("cluster.tls.trustStorePasswordEnv", trustStorePasswordEnv);
  }
}
