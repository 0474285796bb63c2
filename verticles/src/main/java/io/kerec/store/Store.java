package io.kerec.store;

import io.kerec.bus.Event;
import io.kerec.bus.ExperimentCounts;
import io.kerec.bus.ItemEntities;
import io.kerec.bus.PurchaseFact;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * PostgreSQL access for the verticles: the durable log of items and events, and the verdicts as the graph reads
 * them ({@link #decidingVerdicts}); the judge writes verdicts through its own gateway on the same pool. Every write
 * is one set-based statement (or one transaction) per batch; every method is non-blocking. Queries are
 * parameterised.
 */
public final class Store implements AutoCloseable {
  private static final int PAGE = 20_000;
  private final Pool pool;
  /** Where reads go: the pool, or one connection inside a snapshot ({@link #inSnapshot}). */
  private final SqlClient reads;

  private Store(Pool pool, SqlClient reads) {
    this.pool = pool;
    this.reads = reads;
  }

  /** A store with its own connection pool. */
  public static Store create(Vertx vertx, PgConnectOptions connect, int poolSize) {
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(poolSize))
        .connectingTo(connect)
        .using(vertx)
        .build();
    return new Store(pool, pool);
  }

  /**
   * Runs {@code body} with a store whose reads all see one snapshot of the database (a repeatable-read, read-only
   * transaction on one connection), and the text of that snapshot ({@code pg_current_snapshot()}): rows written by
   * transactions that snapshot sees are in what {@code body} read, and no others. {@link ChangeLog} continues from it.
   * Writes through the given store still go to the pool.
   */
  public <T> Future<T> inSnapshot(java.util.function.BiFunction<Store, String, Future<T>> body) {
    return pool.withConnection(conn -> conn.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").execute()
        .compose(r -> conn.query("SELECT pg_current_snapshot()::text").execute())
        .compose(rows -> body.apply(new Store(pool, conn), rows.iterator().next().getString(0)))
        .eventually(() -> conn.query("COMMIT").execute()));
  }

  /**
   * Inserts or updates items and replaces their entities, atomically. Item ids must be unique in the batch. An item's
   * {@link ItemEntities#listedAt()} is stored when given; when not, a new item counts as listed now and a known one
   * keeps its listing time.
   *
   * @return the items as stored, each with the listing time that holds for it
   */
  public Future<List<ItemEntities>> upsertItems(List<ItemEntities> items) {
    if (items.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    String[] ids = items.stream().map(ItemEntities::itemId).toArray(String[]::new);
    String[] titles = items.stream().map(ItemEntities::title).toArray(String[]::new);
    Double[] prices = items.stream().map(ItemEntities::price).toArray(Double[]::new);
    String[] categories = items.stream().map(ItemEntities::category).toArray(String[]::new);
    OffsetDateTime[] listed = items.stream()
        .map(i -> i.listedAt() == null ? null : i.listedAt().atOffset(ZoneOffset.UTC))
        .toArray(OffsetDateTime[]::new);
    List<String> entityItems = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    List<String> entities = new ArrayList<>();
    for (ItemEntities item : items) {
      for (int i = 0; i < item.entities().size(); i++) {
        entityItems.add(item.itemId());
        positions.add(i);
        entities.add(item.entities().get(i));
      }
    }
    Map<String, Instant> listedAt = new HashMap<>();
    return pool.withTransaction(conn -> conn.preparedQuery("""
            INSERT INTO items (item_id, title, price, category, listed_at)
            SELECT * FROM UNNEST($1::text[], $2::text[], $3::float8[], $4::text[], $5::timestamptz[])
            ON CONFLICT (item_id) DO UPDATE
              SET title = EXCLUDED.title, price = EXCLUDED.price, category = EXCLUDED.category, updated_at = now(),
                  listed_at = COALESCE(EXCLUDED.listed_at, items.listed_at),
                  xid = EXCLUDED.xid, seq = EXCLUDED.seq, writer = EXCLUDED.writer
            RETURNING item_id, COALESCE(listed_at, created_at)
            """).execute(Tuple.of(ids, titles, prices, categories, listed))
        .compose(rows -> {
          rows.forEach(row -> listedAt.put(row.getString(0), row.getOffsetDateTime(1).toInstant()));
          return conn.preparedQuery("DELETE FROM item_entities WHERE item_id = ANY($1)")
              .execute(Tuple.of((Object) ids));
        })
        .compose(r -> conn.preparedQuery("""
                INSERT INTO item_entities (item_id, position, entity)
                SELECT * FROM UNNEST($1::text[], $2::int[], $3::text[])
                """)
            .execute(Tuple.of(entityItems.toArray(String[]::new), positions.toArray(Integer[]::new),
                entities.toArray(String[]::new))))
        .map(r -> items.stream().map(i -> i.listed(listedAt.get(i.itemId()))).toList()));
  }

  /**
   * The given items that exist, each with its entities in extraction order (an empty list for an item without any).
   * One round trip: ingest checks events' items and learns their entities at once.
   */
  public Future<java.util.Map<String, List<String>>> itemEntities(Collection<String> itemIds) {
    return reads.preparedQuery("""
            SELECT i.item_id,
                   COALESCE(array_agg(ie.entity ORDER BY ie.position) FILTER (WHERE ie.entity IS NOT NULL), '{}')
            FROM items i LEFT JOIN item_entities ie ON ie.item_id = i.item_id
            WHERE i.item_id = ANY($1) GROUP BY i.item_id
            """)
        .execute(Tuple.of((Object) itemIds.toArray(String[]::new)))
        .map(rows -> {
          java.util.Map<String, List<String>> map = new java.util.HashMap<>();
          rows.forEach(row -> map.put(row.getString(0), Arrays.asList(row.getArrayOfStrings(1))));
          return map;
        });
  }

  /**
   * Inserts events; an event whose id is already stored is left as it was. Returns the ids that were new,
   * in the order given.
   */
  public Future<List<String>> insertEvents(List<Event> events) {
    return insertEvents(events, e -> null);
  }

  /**
   * Inserts events, each with the A/B arms its user is in ({@code arms}: experiment → arm, or null); an event whose
   * id is already stored is left as it was. Returns the ids that were new, in the order given.
   */
  public Future<List<String>> insertEvents(List<Event> events,
                                           Function<Event, Map<String, String>> arms) {
    if (events.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery("""
            INSERT INTO events (event_id, type, user_id, item_id, basket_id, ts, edge_source, edge_target, arms)
            SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
                                 $7::text[], $8::text[], $9::jsonb[])
            ON CONFLICT (event_id) DO NOTHING
            RETURNING event_id
            """)
        .execute(Tuple.of(
            events.stream().map(Event::id).toArray(String[]::new),
            events.stream().map(e -> e.type().wire()).toArray(String[]::new),
            events.stream().map(Event::userId).toArray(String[]::new),
            events.stream().map(Event::itemId).toArray(String[]::new),
            events.stream().map(Event::basketId).toArray(String[]::new),
            events.stream().map(e -> e.ts().atOffset(ZoneOffset.UTC)).toArray(OffsetDateTime[]::new),
            events.stream().map(e -> e.because() == null ? null : e.because().triggerEntity()).toArray(String[]::new),
            events.stream().map(e -> e.because() == null ? null : e.because().entity()).toArray(String[]::new),
            events.stream().map(e -> {
              Map<String, String> a = arms.apply(e);
              return a == null || a.isEmpty() ? null : new JsonObject(
                  new LinkedHashMap<String, Object>(a));
            }).toArray(JsonObject[]::new)))
        .map(rows -> {
          Set<String> inserted = new HashSet<>();
          rows.forEach(row -> inserted.add(row.getString(0)));
          return events.stream().map(Event::id).filter(inserted::contains).distinct().toList();
        });
  }

  /**
   * One experiment's counts per arm, from the stored events: users exposed, exposures, clicks, attributed purchases
   * (a purchase of an item shown to that user at or before its time, in the same arm) and the users who made one.
   */
  public Future<ExperimentCounts> experimentCounts(String experiment) {
    return reads.preparedQuery("""
            WITH e AS (
              SELECT user_id, item_id, type, ts, arms ->> $1 AS arm FROM events WHERE arms ? $1
            ), bought AS (
              SELECT p.arm, p.user_id FROM e p
              WHERE p.type = 'purchase' AND EXISTS (
                SELECT 1 FROM e x WHERE x.type = 'exposure' AND x.arm = p.arm AND x.user_id = p.user_id
                                    AND x.item_id = p.item_id AND x.ts <= p.ts)
            ), shown AS (
              SELECT arm, count(DISTINCT user_id) FILTER (WHERE type = 'exposure') AS users,
                     count(*) FILTER (WHERE type = 'exposure') AS exposures,
                     count(*) FILTER (WHERE type = 'click') AS clicks
              FROM e GROUP BY arm
            ), converted AS (
              SELECT arm, count(*) AS purchases, count(DISTINCT user_id) AS buyers FROM bought GROUP BY arm
            )
            SELECT s.arm, s.users, s.exposures, s.clicks, coalesce(c.purchases, 0), coalesce(c.buyers, 0)
            FROM shown s LEFT JOIN converted c ON c.arm = s.arm ORDER BY s.arm
            """)
        .execute(Tuple.of(experiment))
        .map(rows -> {
          List<ExperimentCounts.Arm> arms = new ArrayList<>();
          rows.forEach(r -> arms.add(new ExperimentCounts.Arm(r.getString(0), r.getLong(1),
              r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5))));
          return new ExperimentCounts(experiment, arms);
        });
  }

  /** Exposures and clicks (clicks and attributed purchases) per attributed edge: {source, target, exposures, clicks}. */
  public Future<List<Object[]>> edgeFeedback() {
    return reads.query("""
            SELECT edge_source, edge_target, count(*) FILTER (WHERE type = 'exposure'),
                   count(*) FILTER (WHERE type IN ('click', 'purchase'))
            FROM events WHERE edge_source IS NOT NULL GROUP BY edge_source, edge_target
            """).execute()
        .map(rows -> {
          List<Object[]> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(new Object[] {r.getString(0), r.getString(1), r.getLong(2), r.getLong(3)}));
          return out;
        });
  }

  /**
   * One record set aside from a stream.
   *
   * @param replayOf the dead letter this record was a replay of, or null for a record read for the first time
   */
  public record DeadLetter(String source, String topic, int partition, long offset, String key, String payload,
                           String error, String field, Long replayOf) {
  }

  /** Stores dead letters; one already stored for the same topic, partition and offset is kept. */
  public Future<Integer> insertDeadLetters(List<DeadLetter> letters) {
    if (letters.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return pool.preparedQuery("""
            INSERT INTO dead_letters (source, topic, partition, "offset", record_key, payload, error, field, replay_of)
            SELECT u.source, u.topic, u.partition, u.off, u.record_key, u.payload, u.error, u.field,
                   (SELECT d.id FROM dead_letters d WHERE d.id = u.replay_of)
            FROM UNNEST($1::text[], $2::text[], $3::int[], $4::bigint[], $5::text[], $6::text[], $7::text[],
                        $8::text[], $9::bigint[])
                 AS u(source, topic, partition, off, record_key, payload, error, field, replay_of)
            ON CONFLICT (topic, partition, "offset") DO NOTHING
            """).execute(Tuple.of(
            letters.stream().map(DeadLetter::source).toArray(String[]::new),
            letters.stream().map(DeadLetter::topic).toArray(String[]::new),
            letters.stream().map(DeadLetter::partition).toArray(Integer[]::new),
            letters.stream().map(DeadLetter::offset).toArray(Long[]::new),
            letters.stream().map(DeadLetter::key).toArray(String[]::new),
            letters.stream().map(DeadLetter::payload).toArray(String[]::new),
            letters.stream().map(DeadLetter::error).toArray(String[]::new),
            letters.stream().map(DeadLetter::field).toArray(String[]::new),
            letters.stream().map(DeadLetter::replayOf).toArray(Long[]::new)))
        .map(rows -> rows.rowCount());
  }

  /** Stored dead letters matching a query, oldest first. */
  public Future<List<StoredDeadLetter>> deadLetters(DeadLetterQuery q) {
    return pool.preparedQuery("""
            SELECT id, source, topic, partition, "offset", record_key, payload, error, field, received_at,
                   replayed_at, replays, replay_of,
                   (WITH RECURSIVE up(id, replay_of, depth) AS (
                      SELECT dl.id, dl.replay_of, 0
                      UNION ALL
                      SELECT p.id, p.replay_of, up.depth + 1 FROM dead_letters p JOIN up ON p.id = up.replay_of
                      WHERE up.depth < 1000)
                    SELECT r.topic || '/' || r.partition || '/' || r."offset"
                    FROM up JOIN dead_letters r ON r.id = up.id WHERE up.replay_of IS NULL LIMIT 1) AS origin
            FROM dead_letters dl
            WHERE (cardinality($1::bigint[]) = 0 OR id = ANY($1))
              AND ($2::text IS NULL OR topic = $2)
              AND ($3::timestamptz IS NULL OR received_at >= $3)
              AND (NOT $4 OR replayed_at IS NULL)
            ORDER BY id
            LIMIT $5
            """).execute(Tuple.of(q.ids().toArray(Long[]::new), q.topic(),
            q.since() == null ? null : OffsetDateTime.ofInstant(q.since(), ZoneOffset.UTC), q.pendingOnly(),
            q.limit()))
        .map(rows -> {
          List<StoredDeadLetter> out = new ArrayList<>();
          for (Row r : rows) {
            OffsetDateTime replayed = r.getOffsetDateTime("replayed_at");
            out.add(new StoredDeadLetter(r.getLong("id"), r.getString("source"), r.getString("topic"),
                r.getInteger("partition"), r.getLong("offset"), r.getString("record_key"), r.getString("payload"),
                r.getString("error"), r.getString("field"), r.getOffsetDateTime("received_at").toInstant(),
                replayed == null ? null : replayed.toInstant(), r.getInteger("replays"), r.getLong("replay_of"),
                r.getString("origin")));
          }
          return out;
        });
  }

  /** Marks dead letters as re-submitted now; returns how many rows were marked. */
  public Future<Integer> markReplayed(Collection<Long> ids) {
    return pool.preparedQuery("UPDATE dead_letters SET replayed_at = now(), replays = replays + 1 WHERE id = ANY($1)")
        .execute(Tuple.of((Object) ids.toArray(Long[]::new)))
        .map(rows -> rows.rowCount());
  }

  /** @return dead letters stored, by source */
  public Future<java.util.Map<String, Long>> deadLetterCounts() {
    return pool.query("SELECT source, count(*) FROM dead_letters GROUP BY source").execute()
        .map(rows -> {
          java.util.Map<String, Long> counts = new java.util.TreeMap<>();
          rows.forEach(r -> counts.put(r.getString(0), r.getLong(1)));
          return counts;
        });
  }

  /** Streams every item with its entities, page by page, in id order. Resolves to the number of items. */
  public Future<Long> forEachItem(Consumer<List<ItemEntities>> page) {
    return pageItems("", page, 0);
  }

  private Future<Long> pageItems(String after, Consumer<List<ItemEntities>> page, long seen) {
    return reads.preparedQuery("""
            SELECT i.item_id, i.title, i.price, i.category,
                   COALESCE((SELECT array_agg(entity ORDER BY position) FROM item_entities ie
                             WHERE ie.item_id = i.item_id), '{}'),
                   COALESCE(i.listed_at, i.created_at)
            FROM items i WHERE i.item_id > $1 ORDER BY i.item_id LIMIT $2
            """)
        .execute(Tuple.of(after, PAGE))
        .compose(rows -> {
          List<ItemEntities> items = new ArrayList<>(rows.size());
          for (Row row : rows) {
            items.add(new ItemEntities(row.getString(0), row.getString(1), row.getDouble(2), row.getString(3),
                List.of(row.getArrayOfStrings(4)), row.getOffsetDateTime(5).toInstant()));
          }
          if (items.isEmpty()) {
            return Future.succeededFuture(seen);
          }
          page.accept(items);
          long total = seen + items.size();
          return items.size() < PAGE ? Future.succeededFuture(total)
              : pageItems(items.get(items.size() - 1).itemId(), page, total);
        });
  }

  /** Streams every purchase with its item's entities, in arrival order. Resolves to the number of purchases. */
  public Future<Long> forEachPurchase(Consumer<List<PurchaseFact>> page) {
    return pagePurchases(0, page, 0);
  }

  private Future<Long> pagePurchases(long afterSeq, Consumer<List<PurchaseFact>> page, long seen) {
    return reads.preparedQuery("""
            SELECT e.seq, e.event_id, e.user_id, e.item_id, e.basket_id, e.ts,
                   COALESCE((SELECT array_agg(entity ORDER BY position) FROM item_entities ie
                             WHERE ie.item_id = e.item_id), '{}')
            FROM events e WHERE e.type = 'purchase' AND e.seq > $1 ORDER BY e.seq LIMIT $2
            """)
        .execute(Tuple.of(afterSeq, PAGE))
        .compose(rows -> {
          List<PurchaseFact> facts = new ArrayList<>(rows.size());
          long last = afterSeq;
          for (Row row : rows) {
            last = row.getLong(0);
            long ts = row.getOffsetDateTime(5).toInstant().toEpochMilli();
            String user = row.getString(2);
            facts.add(new PurchaseFact(row.getString(1), user, row.getString(3),
                PurchaseFact.basketKey(user, row.getString(4), ts), ts, List.of(row.getArrayOfStrings(6))));
          }
          if (facts.isEmpty()) {
            return Future.succeededFuture(seen);
          }
          page.accept(facts);
          long total = seen + facts.size();
          return facts.size() < PAGE ? Future.succeededFuture(total) : pagePurchases(last, page, total);
        });
  }

  /**
   * The verdict that decides a judged pair's edge.
   *
   * @param provider the provider of that verdict, the edge's provenance
   */
  public record DecidingVerdict(String source, String target, boolean complementary, double confidence,
                                String provider, String model, String reason) {
  }

  /**
   * For every judged pair, the verdict that decides whether its COMPLEMENTS edge exists, in (source, target)
   * order: an external judge's verdict (read from Kafka) if there is one, else the shop's knowledge file's
   * (provider {@code knowledge}), else, when the configured provider is the evidence rule, an LLM's (any other
   * provider: live or batch-imported verdicts win over evidence), else one of the configured provider
   * ({@code provider}: its newest model and prompt version that judged the pair), else the newest of any other
   * provider. This is the precedence the judge follows live, as a query: the graph is rebuilt by it.
   */
  public Future<List<DecidingVerdict>> decidingVerdicts(String provider) {
    return decidingVerdicts(provider, null);
  }

  /**
   * {@link #decidingVerdicts(String)} of the given pairs only ({@code sources[i]} → {@code targets[i]}), or of all
   * when {@code pairs} is null.
   */
  public Future<List<DecidingVerdict>> decidingVerdicts(String provider, List<String[]> pairs) {
    String[] sources = pairs == null ? null : pairs.stream().map(p -> p[0]).toArray(String[]::new);
    String[] targets = pairs == null ? null : pairs.stream().map(p -> p[1]).toArray(String[]::new);
    return reads.preparedQuery("""
            SELECT DISTINCT ON (source, target) source, target, complementary, confidence, provider, model, reason
            FROM verdicts
            WHERE $2::text[] IS NULL OR (source, target) IN (SELECT * FROM UNNEST($2::text[], $3::text[]))
            ORDER BY source, target, (origin IS NOT NULL) DESC, (provider = 'knowledge') DESC,
                     ($1 = 'evidence' AND provider <> 'evidence') DESC, (provider = $1) DESC, created_at DESC,
                     provider DESC, model DESC, prompt_version DESC
            """)
        .execute(Tuple.of(provider, sources, targets))
        .map(rows -> {
          List<DecidingVerdict> out = new ArrayList<>(rows.size());
          for (Row row : rows) {
            out.add(new DecidingVerdict(row.getString(0), row.getString(1), row.getBoolean(2), row.getDouble(3),
                row.getString(4), row.getString(5), row.getString(6)));
          }
          return out;
        });
  }

  /** Row counts of the main tables, for health and tests. */
  public Future<java.util.Map<String, Long>> counts() {
    return pool.query("""
            SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM events),
                   (SELECT count(*) FROM verdicts), (SELECT count(*) FROM verdicts WHERE complementary)
            """).execute()
        .map(rows -> {
          Row row = rows.iterator().next();
          return java.util.Map.of("items", row.getLong(0), "events", row.getLong(1), "verdicts", row.getLong(2),
              "complementaryVerdicts", row.getLong(3));
        });
  }

  /** The pool, for health checks and for the gateways of other tables that share it. */
  public Pool client() {
    return pool;
  }

  @Override
  public void close() {
    pool.close();
  }
}
