package io.kerec.ingest;

import io.kerec.bus.Accepted;
import io.kerec.bus.Addresses;
import io.kerec.bus.BusError;
import io.kerec.bus.Event;
import io.kerec.bus.EventBatch;
import io.kerec.bus.ExternalVerdict;
import io.kerec.bus.ExternalVerdicts;
import io.kerec.bus.Item;
import io.kerec.bus.ItemBatch;
import io.kerec.bus.Validation;
import io.kerec.bus.ValidationException;
import io.kerec.config.KafkaOptions;
import io.kerec.config.KerecConfig;
import io.kerec.observe.Meters;
import io.kerec.store.Store;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.OffsetSpec;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads items and events from Kafka into the same ingest path as HTTP ({@code kerec.items}, {@code kerec.events}),
 * at least once with idempotent effects: records are buffered up to {@link KafkaOptions#maxBatch()} (the consumer
 * pauses meanwhile, which bounds memory whatever the producer's rate), validated one by one, applied as one batch,
 * and only then are their offsets committed. An event without an id gets {@code kafka/<topic>/<partition>/<offset>},
 * so a record consumed again after a crash is a duplicate, not a second effect. A record that is not UTF-8, not
 * JSON, fails validation or names an unknown item goes to the {@code dead_letters} table (and the dead-letter
 * topic) with its payload, error and source offset, and the stream goes on.
 *
 * <p>With {@link KafkaOptions#verdictsTopic()} set, the same consumer also reads verdicts of an external judge, one
 * JSON object per record ({@link Validation#verdict}); they go to the judge ({@code kerec.judge.external-verdicts}),
 * which stores them in PostgreSQL keyed by pair, provider, model and prompt version (a re-delivered record is the
 * same row) and writes the complementary ones to the graph, before the batch's offsets are committed.
 *
 * <p>A record re-produced by {@code kerec deadletters replay} carries the headers {@value #ORIGIN_HEADER}
 * ({@code <topic>/<partition>/<offset>} of the record first read) and {@value #REPLAY_OF_HEADER} (the dead letter's
 * id): an event without an id gets the id of its first reading, so replaying it twice is still one effect, and a
 * replayed record that fails again is a new dead letter that names the one it replays.
 *
 * <p>Meters: {@code kerec_kafka_lag{topic,partition}} (end offset minus committed offset, refreshed every
 * {@link KafkaOptions#lagIntervalMs()}), {@code kerec_kafka_paused} (1 while the consumer is paused),
 * {@code kerec_kafka_buffered} (records read and not yet applied), {@code kerec_kafka_records_total{outcome}} and
 * {@code kerec_kafka_dead_letters_total{topic}}.
 */
public final class KafkaIngestVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaIngestVerticle.class);
  private static final DeliveryOptions INTERNAL = Addresses.inEngine(120_000);
  private static final long RETRY_MS = 1_000;
  /** Header of a replayed record: where it was first read, {@code <topic>/<partition>/<offset>}. */
  public static final String ORIGIN_HEADER = "kerec.origin";
  /** Header of a replayed record: the id of the dead letter it replays. */
  public static final String REPLAY_OF_HEADER = "kerec.replay-of";

  private final KerecConfig config;
  private final PgConnectOptions pg;
  private KafkaOptions options;
  private KafkaConsumer<String, Buffer> consumer;
  private KafkaProducer<String, String> deadLetterProducer;
  private Store store;
  private MeterRegistry meters;
  private List<KafkaConsumerRecord<String, Buffer>> buffer = new ArrayList<>();
  private boolean flushing;
  private long lingerTimer = -1;
  private long applied;
  private long deadLetters;
  private final Set<TopicPartition> assigned = new HashSet<>();
  private KafkaAdminClient admin;
  private final Map<TopicPartition, AtomicLong> lag = new HashMap<>();
  private final List<Meter> gauges = new ArrayList<>();
  private final AtomicInteger paused = new AtomicInteger();
  private final AtomicInteger buffered = new AtomicInteger();
  private long lagTimer = -1;
  private boolean lagRefreshing;

  public KafkaIngestVerticle(KerecConfig config, PgConnectOptions pg) {
    this.config = config;
    this.pg = pg;
  }

  @Override
  public Future<?> start() {
    options = config.kafka();
    meters = Meters.registry();
    store = Store.create(vertx, pg, 2);
    Map<String, String> common = Map.of("bootstrap.servers", options.bootstrapServers());
    Map<String, String> consumerConfig = new HashMap<>(common);
    consumerConfig.put("group.id", options.groupId());
    consumerConfig.put("group.instance.id", instanceId());
    consumerConfig.put("enable.auto.commit", "false");
    consumerConfig.put("auto.offset.reset", "earliest");
    consumerConfig.put("max.poll.records", Integer.toString(options.maxBatch()));
    consumerConfig.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    consumerConfig.put("value.deserializer", "io.vertx.kafka.client.serialization.BufferDeserializer");
    consumer = KafkaConsumer.create(vertx, consumerConfig);
    if (options.deadLetterTopic() != null && !options.deadLetterTopic().isBlank()) {
      Map<String, String> producerConfig = new HashMap<>(common);
      producerConfig.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
      producerConfig.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
      producerConfig.put("acks", "all");
      deadLetterProducer = KafkaProducer.create(vertx, producerConfig);
    }
    consumer.exceptionHandler(e -> LOG.warn("kafka consumer: {}", e.getMessage()));
    consumer.handler(this::onRecord);
    consumer.partitionsAssignedHandler(assigned::addAll);
    consumer.partitionsRevokedHandler(this::revoked);
    admin = KafkaAdminClient.create(vertx, common);
    gauges.add(Gauge.builder("kerec.kafka.paused", paused, AtomicInteger::get)
        .description("1 while the Kafka consumer is paused for a batch being applied").register(meters));
    gauges.add(Gauge.builder("kerec.kafka.buffered", buffered, AtomicInteger::get)
        .description("Kafka records read and not yet applied").register(meters));
    lagTimer = vertx.setPeriodic(options.lagIntervalMs(), id -> refreshLag());

    Set<String> topics = new HashSet<>(Set.of(options.itemsTopic(), options.eventsTopic()));
    if (options.readsVerdicts()) {
      topics.add(options.verdictsTopic());
    }
    return consumer.subscribe(topics)
        .onSuccess(v -> LOG.info("kafka ingest: reading {} as group {} from {}", new java.util.TreeSet<>(topics),
            options.groupId(), options.bootstrapServers()));
  }

  /**
   * Static group membership: an instance that restarts after a crash takes its old member's place at once. Without
   * it the group waits for the dead member up to the rebalance timeout (5 minutes by default) before the restarted
   * engine gets any partition.
   */
  private String instanceId() {
    if (options.instanceId() != null && !options.instanceId().isBlank()) {
      return options.instanceId();
    }
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "localhost";
    }
    return "kerec-" + host + "-" + Integer.toHexString(config.dataPath().toAbsolutePath().normalize().hashCode());
  }

  private void onRecord(KafkaConsumerRecord<String, Buffer> record) {
    buffer.add(record);
    buffered.incrementAndGet();
    if (buffer.size() >= options.maxBatch()) {
      flush();
    } else if (lingerTimer < 0) {
      lingerTimer = vertx.setTimer(options.lingerMs(), id -> {
        lingerTimer = -1;
        flush();
      });
    }
  }

  private void flush() {
    if (flushing || buffer.isEmpty()) {
      return;
    }
    flushing = true;
    consumer.pause();
    paused.set(1);
    List<KafkaConsumerRecord<String, Buffer>> batch = buffer;
    buffer = new ArrayList<>();
    applyUntilDone(batch).onComplete(ar -> {
      flushing = false;
      buffered.addAndGet(-batch.size());
      paused.set(0);
      consumer.resume();
      if (buffer.size() >= options.maxBatch()) {
        flush();
      } else if (!buffer.isEmpty() && lingerTimer < 0) {
        lingerTimer = vertx.setTimer(options.lingerMs(), id -> {
          lingerTimer = -1;
          flush();
        });
      }
    });
  }

  /** Applies a batch and commits its offsets; on a failure (database down) tries the same batch again. */
  private Future<Void> applyUntilDone(List<KafkaConsumerRecord<String, Buffer>> batch) {
    return apply(batch).compose(v -> consumer.commit(offsets(batch)))
        .<Void>mapEmpty()
        .recover(e -> {
          LOG.warn("kafka ingest: batch of {} records not applied, retrying: {}", batch.size(), e.getMessage());
          Promise<Void> later = Promise.promise();
          vertx.setTimer(RETRY_MS, id -> applyUntilDone(batch).onComplete(later));
          return later.future();
        });
  }

  private static Map<TopicPartition, OffsetAndMetadata> offsets(List<KafkaConsumerRecord<String, Buffer>> batch) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (KafkaConsumerRecord<String, Buffer> r : batch) {
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      OffsetAndMetadata current = offsets.get(tp);
      if (current == null || current.getOffset() < r.offset() + 1) {
        offsets.put(tp, new OffsetAndMetadata(r.offset() + 1, ""));
      }
    }
    return offsets;
  }

  private record Parsed<T>(KafkaConsumerRecord<String, Buffer> record, T value) {
  }

  private Future<Void> apply(List<KafkaConsumerRecord<String, Buffer>> batch) {
    List<Store.DeadLetter> dead = new ArrayList<>();
    List<Parsed<Item>> items = new ArrayList<>();
    List<Parsed<Event>> events = new ArrayList<>();
    List<ExternalVerdict> verdicts = new ArrayList<>();
    for (KafkaConsumerRecord<String, Buffer> r : batch) {
      boolean isItem = r.topic().equals(options.itemsTopic());
      boolean isVerdict = options.readsVerdicts() && r.topic().equals(options.verdictsTopic());
      String text;
      try {
        text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(r.value() == null ? new byte[0] : r.value().getBytes())).toString();
      } catch (CharacterCodingException e) {
        dead.add(letter(r, r.value() == null ? "" : r.value().toString(StandardCharsets.UTF_8),
            "the record is not valid UTF-8", "value"));
        continue;
      }
      JsonArray one;
      try {
        Object parsed = io.vertx.core.json.Json.decodeValue(text);
        if (!(parsed instanceof JsonObject object)) {
          dead.add(letter(r, text, "the record must be one JSON object", "value"));
          continue;
        }
        one = new JsonArray().add(object);
      } catch (DecodeException e) {
        dead.add(letter(r, text, "malformed JSON: " + e.getMessage(), "value"));
        continue;
      }
      try {
        if (isItem) {
          items.add(new Parsed<>(r, Validation.items(one, 1).get(0)));
        } else if (isVerdict) {
          verdicts.add(Validation.verdict(one.getJsonObject(0), origin(r)));
        } else {
          Event e = Validation.events(one, 1).get(0);
          if (e.id() == null) {
            e = new Event(origin(r), e.type(), e.userId(), e.itemId(), e.ts(), e.basketId(), e.because());
          }
          events.add(new Parsed<>(r, e));
        }
      } catch (ValidationException e) {
        String field = e.field() == null ? null : e.field().replaceFirst("^\\[0]\\.?", "");
        dead.add(letter(r, text, e.getMessage(), field == null || field.isEmpty() ? null : field));
      }
    }
    return sendItems(items)
        .compose(v -> sendEvents(events, dead))
        .compose(v -> sendVerdicts(verdicts))
        .compose(v -> recordDeadLetters(dead))
        .onSuccess(v -> {
          applied += batch.size() - dead.size();
          meters.counter("kerec.kafka.records", "outcome", "applied").increment(batch.size() - dead.size());
          meters.counter("kerec.kafka.records", "outcome", "dead_letter").increment(dead.size());
        });
  }

  private Future<Void> sendItems(List<Parsed<Item>> items) {
    if (items.isEmpty()) {
      return Future.succeededFuture();
    }
    return vertx.eventBus().<Accepted>request(Addresses.ITEMS,
        new ItemBatch(items.stream().map(Parsed::value).toList()), INTERNAL).mapEmpty();
  }

  /** {@code kafka/<topic>/<partition>/<offset>} of the record's first reading (a replay keeps its origin). */
  private static String origin(KafkaConsumerRecord<String, Buffer> r) {
    String origin = header(r, ORIGIN_HEADER);
    return "kafka/" + (origin != null ? origin : r.topic() + "/" + r.partition() + "/" + r.offset());
  }

  private Future<Void> sendVerdicts(List<ExternalVerdict> verdicts) {
    if (verdicts.isEmpty()) {
      return Future.succeededFuture();
    }
    return vertx.eventBus().request(Addresses.JUDGE_EXTERNAL_VERDICTS, new ExternalVerdicts(verdicts), INTERNAL)
        .mapEmpty();
  }

  /** Sends the events; an event the ingest rejects (an unknown item) becomes a dead letter and the rest go again. */
  private Future<Void> sendEvents(List<Parsed<Event>> events, List<Store.DeadLetter> dead) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    return vertx.eventBus().<Accepted>request(Addresses.EVENTS,
            new EventBatch(events.stream().map(Parsed::value).toList()), INTERNAL)
        .<Void>mapEmpty()
        .recover(e -> {
          BusError error = BusError.from(e);
          int index = error.status() == 400 ? error.index() : -1;
          if (index < 0 || index >= events.size()) {
            return Future.failedFuture(e);
          }
          Parsed<Event> bad = events.get(index);
          String field = error.field().replaceFirst("^\\[\\d+]\\.?", "");
          dead.add(letter(bad.record(), bad.record().value().toString(StandardCharsets.UTF_8),
              error.error(), field.isEmpty() ? null : field));
          List<Parsed<Event>> rest = new ArrayList<>(events);
          rest.remove(index);
          return sendEvents(rest, dead);
        });
  }

  private Store.DeadLetter letter(KafkaConsumerRecord<String, Buffer> r, String payload, String error, String field) {
    Long replayOf = null;
    String header = header(r, REPLAY_OF_HEADER);
    if (header != null) {
      try {
        replayOf = Long.parseLong(header);
      } catch (NumberFormatException ignored) {
        LOG.warn("kafka ingest: ignoring header {}={} of {}/{}/{}", REPLAY_OF_HEADER, header, r.topic(),
            r.partition(), r.offset());
      }
    }
    return new Store.DeadLetter("kafka", r.topic(), r.partition(), r.offset(), r.key(), payload, error, field,
        replayOf);
  }

  private static String header(KafkaConsumerRecord<String, Buffer> r, String name) {
    String value = null;
    for (KafkaHeader h : r.headers()) {
      if (h.key().equals(name) && h.value() != null) {
        value = h.value().toString(StandardCharsets.UTF_8);
      }
    }
    return value;
  }

  private void revoked(Set<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      assigned.remove(tp);
      if (lag.remove(tp) != null) {
        gauges.removeIf(g -> {
          boolean match = g.getId().getName().equals("kerec.kafka.lag")
              && tp.getTopic().equals(g.getId().getTag("topic"))
              && Integer.toString(tp.getPartition()).equals(g.getId().getTag("partition"));
          if (match) {
            meters.remove(g);
          }
          return match;
        });
      }
    }
  }

  /**
   * Lag of each partition assigned here: its end offset minus the group's committed offset (or its beginning, if
   * nothing is committed yet). Read with an admin client: the consumer itself must not be called off its poll thread.
   */
  private void refreshLag() {
    if (lagRefreshing || assigned.isEmpty()) {
      return;
    }
    lagRefreshing = true;
    Set<TopicPartition> parts = Set.copyOf(assigned);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
    parts.forEach(tp -> {
      latest.put(tp, OffsetSpec.LATEST);
      earliest.put(tp, OffsetSpec.EARLIEST);
    });
    admin.listConsumerGroupOffsets(options.groupId())
        .compose(groupOffsets -> admin.listOffsets(latest)
            .compose(ends -> admin.listOffsets(earliest).map(starts -> {
              for (TopicPartition tp : parts) {
                if (!assigned.contains(tp) || ends.get(tp) == null) {
                  continue;
                }
                OffsetAndMetadata c = groupOffsets.get(tp);
                long at = c != null ? c.getOffset() : starts.get(tp) != null ? starts.get(tp).getOffset() : 0;
                lagOf(tp).set(Math.max(0, ends.get(tp).getOffset() - at));
              }
              return null;
            })))
        .onFailure(e -> LOG.debug("kafka lag not refreshed: {}", e.getMessage()))
        .onComplete(ar -> lagRefreshing = false);
  }

  private AtomicLong lagOf(TopicPartition tp) {
    return lag.computeIfAbsent(tp, k -> {
      AtomicLong holder = new AtomicLong();
      gauges.add(Gauge.builder("kerec.kafka.lag", holder, AtomicLong::get)
          .tags("topic", k.getTopic(), "partition", Integer.toString(k.getPartition()))
          .description("Kafka records not yet durably applied: end offset minus committed offset")
          .register(meters));
      return holder;
    });
  }

  private Future<Void> recordDeadLetters(List<Store.DeadLetter> dead) {
    if (dead.isEmpty()) {
      return Future.succeededFuture();
    }
    return store.insertDeadLetters(dead).compose(n -> {
      deadLetters += dead.size();
      for (Store.DeadLetter d : dead) {
        meters.counter("kerec.kafka.dead.letters", "topic", d.topic()).increment();
      }
      if (deadLetterProducer == null) {
        return Future.<Void>succeededFuture();
      }
      List<Future<?>> sent = new ArrayList<>();
      for (Store.DeadLetter d : dead) {
        JsonObject value = new JsonObject().put("topic", d.topic()).put("partition", d.partition())
            .put("offset", d.offset()).put("error", d.error()).put("field", d.field()).put("payload", d.payload())
            .put("replayOf", d.replayOf());
        sent.add(deadLetterProducer.send(KafkaProducerRecord.create(options.deadLetterTopic(), d.key(),
            value.encode())));
      }
      return Future.join(sent).<Void>mapEmpty().otherwise(e -> {
        LOG.warn("kafka ingest: dead letters kept in PostgreSQL but not sent to {}: {}", options.deadLetterTopic(),
            e.getMessage());
        return null;
      });
    });
  }

  /** @return records applied and records set aside so far */
  public long[] counts() {
    return new long[] {applied, deadLetters};
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(lagTimer);
    gauges.forEach(meters::remove);
    gauges.clear();
    Future<Void> producer = deadLetterProducer == null ? Future.succeededFuture() : deadLetterProducer.close();
    return consumer.close().compose(v -> producer).compose(v -> admin.close()).onComplete(v -> store.close());
  }
}
