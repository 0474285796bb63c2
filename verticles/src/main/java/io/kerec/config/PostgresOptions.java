package io.kerec.config;

/**
 * PostgreSQL: embedded (binaries from Maven Central, data under the data directory) or an external server.
 * The password is read from the environment variable named by {@code passwordEnv}, never from a file.
 */
public record PostgresOptions(boolean embedded, String host, int port, String database, String user,
                              String passwordEnv, int poolSize) {
  static PostgresOptions defaults() {
    return new PostgresOptions(true, "127.0.0.1", 5432, "kerec", "postgres", "KEREC_PG_PASSWORD", 4);
  }

  void validate() {
    if (!embedded) {
      Require.nonBlank("postgres.host", host);
      Require.range("postgres.port", port, 1, 65535);
    }
    Require.nonBlank("postgres.database", database);
    Require.nonBlank("postgres.user", user);
    Require.range("postgres.poolSize", poolSize, 1, 256);
  }
}
