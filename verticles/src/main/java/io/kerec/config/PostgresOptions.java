package io.kerec.config;

/**
 * PostgreSQL: embedded (binaries from Maven Central, data under the data directory) or an external server.
 * The password of an external server is read from the environment variable named by {@code passwordEnv}, never
 * from a file; the embedded server generates its own and keeps it in the data directory (mode 0600).
 *
 * <p>{@code durability} applies to the embedded server: {@code strict} (the default) runs it with {@code fsync=on}
 * and {@code synchronous_commit=on}, so a reply that says an input was accepted survives a kill of PostgreSQL, of
 * the engine, or of the machine. {@code relaxed} turns both off for throw-away data (evaluations, benchmarks of the
 * relaxed mode): a crash of PostgreSQL or of the machine then loses the last acknowledged writes. An external
 * server keeps its own settings (the engine logs a warning when they are not durable).
 */
public record PostgresOptions(boolean embedded, String host, int port, String database, String user,
                              String passwordEnv, int poolSize, String durability) {
  /** Durable commits: fsync and synchronous commit on. */
  public static final String STRICT = "strict";
  /** Fast, not crash-safe commits, for throw-away data only. */
  public static final String RELAXED = "relaxed";

  static PostgresOptions defaults() {
    return new PostgresOptions(true, "127.0.0.1", 5432, "kerec", "postgres", "KEREC_PG_PASSWORD", 4, STRICT);
  }

  /** Whether commits are made durable before they are acknowledged. */
  public boolean strict() {
    return STRICT.equals(durability);
  }

  /** The same options with another durability. */
  public PostgresOptions withDurability(String value) {
    return new PostgresOptions(embedded, host, port, database, user, passwordEnv, poolSize, value);
  }

  void validate() {
    if (!embedded) {
      Require.nonBlank("postgres.host", host);
      Require.range("postgres.port", port, 1, 65535);
    }
    Require.nonBlank("postgres.database", database);
    Require.nonBlank("postgres.user", user);
    Require.range("postgres.poolSize", poolSize, 1, 256);
    Require.oneOf("postgres.durability", durability, STRICT, RELAXED);
  }
}
