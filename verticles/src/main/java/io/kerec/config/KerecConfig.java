package io.kerec.config;

import java.nio.file.Path;

/**
 * The whole engine configuration. Defaults live here and in the options records' {@code defaults()}; a config file,
 * then environment variables, then command-line flags override them (see {@link ConfigLoader}).
 */
public record KerecConfig(String dataDir, HttpOptions http, PostgresOptions postgres, GraphStoreOptions graph,
                          EntityOptions entities, JudgeOptions judge, RecallOptions recall, RankOptions rank,
                          FeedbackOptions feedback, KafkaOptions kafka, AuthOptions auth,
                          TlsOptions tls, RateLimitOptions rateLimit,
                          ClusterOptions cluster, CacheOptions cache, FollowOptions follow,
                          java.util.List<ExperimentOptions> experiments) {

  /** Everything at its default: embedded PostgreSQL and JanusGraph under {@code ./data}, evidence judge. */
  public static KerecConfig defaults() {
    return new KerecConfig("./data", HttpOptions.defaults(), PostgresOptions.defaults(), GraphStoreOptions.defaults(),
        EntityOptions.defaults(), JudgeOptions.defaults(), RecallOptions.defaults(), RankOptions.defaults(),
        FeedbackOptions.defaults(), KafkaOptions.defaults(), AuthOptions.defaults(),
        TlsOptions.defaults(), RateLimitOptions.defaults(),
        ClusterOptions.defaults(), CacheOptions.defaults(), FollowOptions.defaults(),
        java.util.List.of());
  }

  /** Checks every value; throws {@link ConfigException} naming the first bad key. */
  public KerecConfig validate() {
    Require.nonBlank("dataDir", dataDir);
    http.validate();
    postgres.validate();
    graph.validate();
    entities.validate();
    judge.validate();
    recall.validate();
    rank.validate();
    feedback.validate();
    kafka.validate();
    auth.validate(http);
    tls.validate();
    rateLimit.validate();
    cluster.validate();
    cache.validate();
    follow.validate();
    ExperimentOptions.validateAll(experiments);
    return this;
  }

  /** This configuration with other experiments. */
  public KerecConfig withExperiments(java.util.List<ExperimentOptions> other) {
    return new KerecConfig(dataDir, http, postgres, graph, entities, judge, recall, rank, feedback, kafka, auth, tls,
        rateLimit, cluster, cache, follow, other);
  }

  /** The data directory as a path. */
  public Path dataPath() {
    return Path.of(dataDir);
  }
}
