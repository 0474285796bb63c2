package io.kerec.ingest;

import io.kerec.bus.Accepted;
import io.kerec.bus.Addresses;
import io.kerec.bus.BusError;
import io.kerec.bus.Event;
import io.kerec.bus.EventBatch;
import io.kerec.bus.EventType;
import io.kerec.bus.ExperimentCountsRequest;
import io.kerec.bus.FeedbackApplied;
import io.kerec.bus.FeedbackFact;
import io.kerec.bus.HealthReport;
import io.kerec.bus.Item;
import io.kerec.bus.ItemBatch;
import io.kerec.bus.ItemEntities;
import io.kerec.bus.ItemsIndexed;
import io.kerec.bus.PurchaseFact;
import io.kerec.bus.PurchasesApplied;
import io.kerec.bus.Validation;
import io.kerec.bus.ValidationException;
import io.kerec.config.KerecConfig;
import io.kerec.entity.EntityDictionary;
import io.kerec.entity.EntityExtractor;
import io.kerec.entity.EntityExtractors;
import io.kerec.experiment.Experiments;
import io.kerec.observe.Meters;
import io.kerec.store.Store;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts items and events from HTTP, sibling services and (later) Kafka: validates, makes them durable in
 * PostgreSQL, then extracts entities and tells graph, judge and rank. A reply means the input is durable.
 * Failures reply with code 400 and a JSON body {@code {"error","field"}} for bad input.
 */
public final class IngestVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(IngestVerticle.class);
  /** Within this instance only: in a cluster, each engine applies what it ingested to its own view. */
  private static final DeliveryOptions LOCAL = Addresses.inEngine();
  private static final DeliveryOptions INTERNAL = Addresses.inEngine(60_000);
  /**
   * Purchases go to the graph view of this process, which applies every message it gets (or fails it): a slow
   * graph step is waited for rather than timed out and sent again, which could apply a purchase twice.
   */
  private static final DeliveryOptions TO_GRAPH = Addresses.inEngine(600_000);
  private static final long RETRY_FIRST_MS = 500;
  private static final long RETRY_MAX_MS = 30_000;

  private final KerecConfig config;
  private final PgConnectOptions pg;
  private final Experiments experiments;
  private Store store;
  private EntityDictionary dictionary;
  private EntityExtractor extractor;
  private final List<String> titles = new ArrayList<>();
  private int titlesAtLastLearn;
  private MeterRegistry meters;
  private final Map<String, Long> accepted = new LinkedHashMap<>(Map.of("items", 0L, "events", 0L));
  private long duplicates;
  private long rejected;
  /**
   * Purchases stored (and acknowledged: they are durable) whose graph step failed, by event id, in arrival order.
   * They are applied again until the graph takes them: by a timer, and at once when a client sends them again.
   * Should this process die first, the next start applies them from PostgreSQL with everything else.
   */
  private final Map<String, PurchaseFact> unapplied = new LinkedHashMap<>();
  private long retryTimer = -1;
  private long retryDelayMs = RETRY_FIRST_MS;

  public IngestVerticle(KerecConfig config, PgConnectOptions pg) {
    this.config = config;
    this.pg = pg;
    this.experiments = new Experiments(config.experiments());
  }

  @Override
  public Future<?> start() {
    meters = Meters.registry();
    store = Store.create(vertx, pg, config.postgres().poolSize());
    String dict = config.entities().dictionary();
    return vertx.executeBlocking(() -> dict == null ? EntityDictionary.bundled() : EntityDictionary.load(Path.of(dict)))
        .compose(d -> {
          dictionary = d;
          return store.forEachItem(page -> page.forEach(i -> titles.add(i.title())));
        })
        .onSuccess(n -> {
          learn();
          register();
        });
  }

  private void learn() {
    extractor = EntityExtractors.create(dictionary, titles, config.entities().compoundMinTitles());
    titlesAtLastLearn = titles.size();
  }

  private void register() {
    vertx.eventBus().<ItemBatch>consumer(Addresses.ITEMS, msg -> reply(msg, "items", ingestItems(msg.body())));
    vertx.eventBus().<EventBatch>consumer(Addresses.EVENTS, msg -> reply(msg, "events", ingestEvents(msg.body())));
    vertx.eventBus().<ExperimentCountsRequest>consumer(Addresses.INGEST_EXPERIMENT_COUNTS,
        msg -> store.experimentCounts(msg.body().experiment()).onSuccess(msg::reply)
            .onFailure(e -> BusError.from(e).replyTo(msg)));
    vertx.eventBus().consumer(Addresses.HEALTH_PREFIX + "ingest", msg -> msg.reply(new HealthReport("ingest", "UP",
        Map.of("dictionaryEntities", dictionary.canonicalNames().size(), "titlesLearned", titlesAtLastLearn,
            "accepted", Map.copyOf(accepted), "duplicates", duplicates, "rejected", rejected,
            "awaitingGraph", unapplied.size()))));
  }

  private void reply(Message<?> msg, String kind, Future<Accepted> result) {
    result.onSuccess(accepted -> {
      meters.counter("kerec.ingest.accepted", "kind", kind).increment(accepted.accepted());
      meters.counter("kerec.ingest.duplicates", "kind", kind).increment(accepted.duplicates());
      this.accepted.merge(kind, (long) accepted.accepted(), Long::sum);
      duplicates += accepted.duplicates();
      msg.reply(accepted);
    }).onFailure(e -> {
      if (e instanceof ValidationException v) {
        String field = v.field() == null ? "body" : v.field().replaceAll("^\\[\\d+]\\.", "");
        meters.counter("kerec.ingest.rejected", "kind", kind, "field", field).increment();
        rejected++;
        BusError.badInput(v.getMessage(), v.field()).replyTo(msg);
      } else {
        LOG.error("ingest of {} failed", kind, e);
        meters.counter("kerec.ingest.failed", "kind", kind).increment();
        BusError.of(500, "ingest failed: " + e.getMessage()).replyTo(msg);
      }
    });
  }

  /** Validates, stores and indexes a batch of items; re-sent items replace their earlier version. */
  Future<Accepted> ingestItems(ItemBatch batch) {
    List<Item> items;
    try {
      items = checked(batch.items(), config.http().maxBatch(), Validation::check);
    } catch (ValidationException e) {
      return Future.failedFuture(e);
    }
    Map<String, Item> latest = new LinkedHashMap<>();
    items.forEach(i -> latest.put(i.id(), i));
    latest.values().forEach(i -> titles.add(i.title()));
    if (titles.size() >= titlesAtLastLearn * 1.1 + 50) {
      learn();
    }
    List<ItemEntities> extracted = latest.values().stream()
        .map(i -> new ItemEntities(i.id(), i.title().strip(), i.price(), i.category(), extractor.extract(i.title()),
            i.listedAt()))
        .toList();
    return store.upsertItems(extracted)
        .compose(indexed -> vertx.eventBus().request(Addresses.GRAPH_ITEMS, new ItemsIndexed(indexed), INTERNAL)
            .map(v -> {
              vertx.eventBus().publish(Addresses.ITEMS_INDEXED, new ItemsIndexed(indexed), LOCAL);
              return new Accepted(items.size(), 0);
            }));
  }

  /** Validates and stores a batch of events; events whose id is already stored are counted as duplicates. */
  Future<Accepted> ingestEvents(EventBatch batch) {
    List<Event> events;
    try {
      events = checked(batch.events(), config.http().maxBatch(), Validation::check).stream()
          .map(IngestVerticle::complete).toList();
    } catch (ValidationException e) {
      return Future.failedFuture(e);
    }
    List<String> itemIds = events.stream().map(Event::itemId).distinct().toList();
    return store.itemEntities(itemIds)
        .compose(entities -> {
          for (int i = 0; i < events.size(); i++) {
            if (!entities.containsKey(events.get(i).itemId())) {
              return Future.failedFuture(new ValidationException("[" + i + "].itemId",
                  "unknown item '" + events.get(i).itemId() + "': send it to /v1/items first"));
            }
          }
          return store.insertEvents(events, e -> experiments.armNames(e.userId()))
              .compose(inserted -> applied(events, Set.copyOf(inserted), entities)
                  .map(v -> new Accepted(events.size(), events.size() - inserted.size())));
        });
  }

  private Future<Void> applied(List<Event> events, Set<String> inserted, Map<String, List<String>> entities) {
    List<Event> fresh = events.stream().filter(e -> inserted.contains(e.id())).toList();
    List<FeedbackFact> feedback = fresh.stream().filter(e -> e.type() != EventType.PURCHASE || e.because() != null)
        .map(e -> new FeedbackFact(e.id(), e.type(), e.userId(), e.itemId(), e.ts().toEpochMilli(), e.because()))
        .toList();
    if (!feedback.isEmpty()) {
      vertx.eventBus().publish(Addresses.FEEDBACK_APPLIED, new FeedbackApplied(feedback), LOCAL);
    }
    List<PurchaseFact> facts = new ArrayList<>();
    for (Event e : fresh) {
      if (e.type() == EventType.PURCHASE) {
        long ts = e.ts().toEpochMilli();
        facts.add(new PurchaseFact(e.id(), e.userId(), e.itemId(),
            PurchaseFact.basketKey(e.userId(), e.basketId(), ts), ts, entities.get(e.itemId())));
      }
    }
    // a client sending again what was stored before but not applied yet: apply it now
    for (Event e : events) {
      PurchaseFact waiting = inserted.contains(e.id()) ? null : unapplied.remove(e.id());
      if (waiting != null) {
        facts.add(waiting);
      }
    }
    if (facts.isEmpty()) {
      return Future.succeededFuture();
    }
    return toGraph(facts).recover(e -> {
      // stored, so accepted: the graph takes them later, and never twice (it skips ids it has applied)
      LOG.warn("{} stored purchases not applied to the graph yet ({}); retrying", facts.size(), e.getMessage());
      meters.counter("kerec.ingest.graph.retries").increment();
      facts.forEach(f -> unapplied.put(f.eventId(), f));
      scheduleRetry();
      return Future.succeededFuture();
    });
  }

  private Future<Void> toGraph(List<PurchaseFact> facts) {
    PurchasesApplied message = new PurchasesApplied(facts);
    return vertx.eventBus().request(Addresses.GRAPH_PURCHASES, message, TO_GRAPH)
        .onSuccess(v -> vertx.eventBus().publish(Addresses.PURCHASES_APPLIED, message, LOCAL))
        .mapEmpty();
  }

  private void scheduleRetry() {
    if (retryTimer >= 0 || unapplied.isEmpty()) {
      return;
    }
    retryTimer = vertx.setTimer(retryDelayMs, id -> {
      retryTimer = -1;
      List<PurchaseFact> facts = new ArrayList<>(unapplied.values());
      unapplied.clear();
      if (facts.isEmpty()) {
        return;
      }
      toGraph(facts).onComplete(ar -> {
        if (ar.succeeded()) {
          LOG.info("{} stored purchases applied to the graph on retry", facts.size());
          retryDelayMs = RETRY_FIRST_MS;
        } else {
          facts.forEach(f -> unapplied.putIfAbsent(f.eventId(), f));
          retryDelayMs = Math.min(RETRY_MAX_MS, retryDelayMs * 2);
          LOG.warn("{} stored purchases still not applied to the graph ({}); next try in {} ms", facts.size(),
              ar.cause().getMessage(), retryDelayMs);
        }
        scheduleRetry();
      });
    });
  }

  private static Event complete(Event e) {
    return new Event(e.id() != null ? e.id() : UUID.randomUUID().toString(), e.type(), e.userId(), e.itemId(),
        e.ts() != null ? e.ts() : Instant.now(), e.basketId(), e.because());
  }

  private interface Check<T> {
    T check(T value, int index);
  }

  private static <T> List<T> checked(List<T> values, int maxBatch, Check<T> check) {
    if (values == null || values.isEmpty()) {
      throw new ValidationException(null, "the array is empty");
    }
    if (values.size() > maxBatch) {
      throw new ValidationException(null, "more than " + maxBatch + " elements in one request");
    }
    for (int i = 0; i < values.size(); i++) {
      check.check(values.get(i), i);
    }
    return values;
  }

  @Override
  public Future<?> stop() {
    store.close();
    return Future.succeededFuture();
  }
}
