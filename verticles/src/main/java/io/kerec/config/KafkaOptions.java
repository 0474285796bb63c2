package io.kerec.config;

import java.util.regex.Pattern;

/**
 * Kafka ingest ({@code io.kerec.ingest.KafkaIngestVerticle}): off by default. When on, the engine joins consumer
 * group {@code groupId} on {@code bootstrapServers} and reads one JSON item per record from {@code itemsTopic} and
 * one JSON event per record from {@code eventsTopic} (records keyed by user keep a user's events in order).
 * Offsets are committed only after a batch's effects are durable; records that fail validation go to the
 * {@code dead_letters} table and, when set, to {@code deadLetterTopic}. At most {@code maxBatch} records are
 * buffered: the consumer pauses while a batch is being applied, so memory stays bounded whatever the producer's rate.
 * {@code instanceId} is this instance's static group membership id (null: derived from the host name and the data
 * directory), so a restarted instance gets its partitions back at once. The consumer lag per partition (end offset
 * minus committed offset) is refreshed every {@code lagIntervalMs}.
 *
 * <p>{@code recommendationsTopic} (empty or null: off) is independent of {@code enabled}: when set, the fresh
 * recommendations of every user whose purchases were applied, from HTTP or Kafka, are produced there, keyed by user
 * id, as the JSON of {@code GET /v1/users/{userId}/recommendations}. It must differ from the input topics.
 *
 * <p>{@code verdictsTopic} (empty or null: off) is a third input topic, read by the same consumer when
 * {@code enabled}: one JSON verdict of an external judge per record, stored in PostgreSQL and, when complementary,
 * written to the graph like the engine's own verdicts. It must be a legal topic name distinct from every other topic.
 */
public record KafkaOptions(boolean enabled, String bootstrapServers, String groupId, String itemsTopic,
                           String eventsTopic, String deadLetterTopic, int maxBatch, long lingerMs,
                           String instanceId, String recommendationsTopic, long lagIntervalMs,
                           String verdictsTopic) {
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  static KafkaOptions defaults() {
    return new KafkaOptions(false, "localhost:9092", "kerec", "kerec.items", "kerec.events", "kerec.dead-letters",
        2_000, 50, null, "", 1_000, "");
  }

  /** Whether recommendations are produced to {@link #recommendationsTopic()}. */
  public boolean publishesRecommendations() {
    return recommendationsTopic != null && !recommendationsTopic.isBlank();
  }

  /** Whether verdicts of an external judge are read from {@link #verdictsTopic()}. */
  public boolean readsVerdicts() {
    return verdictsTopic != null && !verdictsTopic.isBlank();
  }

  void validate() {
    if (enabled) {
      Require.nonBlank("kafka.bootstrapServers", bootstrapServers);
      Require.nonBlank("kafka.groupId", groupId);
      topic("kafka.itemsTopic", itemsTopic);
      topic("kafka.eventsTopic", eventsTopic);
    }
    if (deadLetterTopic != null && !deadLetterTopic.isBlank()) {
      topic("kafka.deadLetterTopic", deadLetterTopic);
    }
    if (publishesRecommendations()) {
      Require.nonBlank("kafka.bootstrapServers", bootstrapServers);
      topic("kafka.recommendationsTopic", recommendationsTopic);
      if (recommendationsTopic.equals(itemsTopic) || recommendationsTopic.equals(eventsTopic)) {
        throw new ConfigException("kafka.recommendationsTopic",
            "must not be an input topic (" + itemsTopic + ", " + eventsTopic + "), was " + recommendationsTopic);
      }
    }
    if (readsVerdicts()) {
      topic("kafka.verdictsTopic", verdictsTopic);
      for (String other : new String[] {itemsTopic, eventsTopic, deadLetterTopic, recommendationsTopic}) {
        if (verdictsTopic.equals(other)) {
          throw new ConfigException("kafka.verdictsTopic", "must differ from the other Kafka topics (items "
              + itemsTopic + ", events " + eventsTopic + ", dead letters " + deadLetterTopic + ", recommendations "
              + recommendationsTopic + "), was " + verdictsTopic);
        }
      }
    }
    Require.range("kafka.maxBatch", maxBatch, 1, 100_000);
    Require.range("kafka.lingerMs", lingerMs, 1, 60_000);
    Require.range("kafka.lagIntervalMs", lagIntervalMs, 100, 600_000);
  }

  private static void topic(String key, String value) {
    Require.nonBlank(key, value);
    if (!TOPIC.matcher(value).matches()) {
      throw new ConfigException(key, "must be a Kafka topic name (letters, digits, '.', '_', '-'; at most 249),"
          + " was " + value);
    }
  }
}
