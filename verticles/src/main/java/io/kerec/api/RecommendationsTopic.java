package io.kerec.api;

import io.kerec.bus.Recommendations;
import io.kerec.config.KafkaOptions;
import io.kerec.observe.Meters;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces live recommendations to {@link KafkaOptions#recommendationsTopic()}: one record per recomputation, keyed
 * by user id (so one user's records stay in order on one partition), valued with the JSON of
 * {@code GET /v1/users/{userId}/recommendations} plus {@code computedAt}. A record the broker refuses is counted
 * in {@code kerec_kafka_recommendations_total{outcome="failed"}} and logged; serving goes on.
 */
final class RecommendationsTopic {
  private static final Logger LOG = LoggerFactory.getLogger(RecommendationsTopic.class);
  private final String topic;
  private final KafkaProducer<String, String> producer;
  private final MeterRegistry meters = Meters.registry();

  RecommendationsTopic(Vertx vertx, KafkaOptions options) {
    this.topic = options.recommendationsTopic();
    Map<String, String> config = new HashMap<>();
    config.put("bootstrap.servers", options.bootstrapServers());
    config.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    config.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    config.put("acks", "all");
    config.put("linger.ms", "5");
    this.producer = KafkaProducer.create(vertx, config);
  }

  void send(Recommendations recs) {
    String value = HttpJson.recommendations(recs).put("computedAt", Instant.now().toString()).encode();
    producer.send(KafkaProducerRecord.create(topic, recs.userId(), value))
        .onSuccess(m -> meters.counter("kerec.kafka.recommendations", "outcome", "produced").increment())
        .onFailure(e -> {
          meters.counter("kerec.kafka.recommendations", "outcome", "failed").increment();
          LOG.warn("recommendations of {} not produced to {}: {}", recs.userId(), topic, e.getMessage());
        });
  }

  Future<Void> close() {
    return producer.close();
  }
}
