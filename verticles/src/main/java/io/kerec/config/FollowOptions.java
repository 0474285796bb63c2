package io.kerec.config;

/**
 * Following the shared PostgreSQL: with several engines on one database, each keeps its in-memory views (recall,
 * popularity, judge counts, feedback, the recommendation cache and live pushes) current by reading, every
 * {@code intervalMs}, the items, events and verdicts the others wrote ({@code io.kerec.store.ChangeLog}).
 * {@code enabled} null (the default) follows whenever PostgreSQL is external ({@code postgres.embedded: false}),
 * the only way engines share one; true also follows an embedded one, so that what tools such as
 * {@code kerec judge import} write reaches a running engine at once.
 */
public record FollowOptions(Boolean enabled, long intervalMs) {
  static FollowOptions defaults() {
    return new FollowOptions(null, 25);
  }

  void validate() {
    Require.range("follow.intervalMs", intervalMs, 1, 60_000);
  }

  /** Whether this engine follows the store it runs on. */
  public boolean active(PostgresOptions postgres) {
    return enabled == null ? !postgres.embedded() : enabled;
  }
}
