package io.kerec.judge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The durable queue of pairs waiting for a paid verdict, in PostgreSQL ({@code judge_queue}), for one provider,
 * model and prompt version. States: {@code pending} → {@code claimed} (by one instance, with a lease) → answered
 * (the row is deleted in the same transaction that stores the verdict), or back to {@code pending} (failure,
 * abstention), or set aside as {@code unparseable} / {@code abstained}; {@code exported} rows wait for a batch-API
 * result file. Claims use {@code FOR UPDATE SKIP LOCKED}, so instances never claim the same pair.
 */
public final class PairQueue implements AutoCloseable {
  /** Priority of a pair involving an entity that just appeared: ahead of every strategy pair. */
  public static final long URGENT = Long.MIN_VALUE / 2;

  private final Pool pool;
  private final String provider;
  private final String model;
  private final String prompt;

  /** One exported request's pairs. */
  public record Exported(String customId, List<EntityPair> pairs) {
  }

  /**
   * @param vertx the Vert.x instance
   * @param connect where PostgreSQL is
   * @param provider provider name of the verdicts
   * @param model model name
   * @param promptVersion prompt version
   */
  public PairQueue(Vertx vertx, PgConnectOptions connect, String provider, String model, String promptVersion) {
    this.pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(connect).using(vertx).build();
    this.provider = provider;
    this.model = model;
    this.prompt = promptVersion;
  }

  private Tuple key() {
    return Tuple.of(provider, model, prompt);
  }

  /** @return every pair in the queue in any state */
  public Future<Set<EntityPair>> known() {
    return pool.preparedQuery("""
            SELECT source, target FROM judge_queue WHERE provider = $1 AND model = $2 AND prompt_version = $3
            """).execute(key())
        .map(rows -> {
          Set<EntityPair> pairs = new HashSet<>(rows.size() * 2);
          for (Row row : rows) {
            pairs.add(new EntityPair(row.getString(0), row.getString(1)));
          }
          return pairs;
        });
  }

  /**
   * Adds pairs; a pair already queued, already judged by this model and prompt, or decided by an external judge
   * is left alone.
   *
   * @param pairs pairs, in priority order
   * @param firstPriority priority of the first pair; the next ones get the following numbers
   * @return how many were added
   */
  public Future<Integer> enqueue(List<EntityPair> pairs, long firstPriority) {
    if (pairs.isEmpty()) {
      return Future.succeededFuture(0);
    }
    Long[] priorities = new Long[pairs.size()];
    for (int i = 0; i < priorities.length; i++) {
      priorities[i] = firstPriority + i;
    }
    return pool.preparedQuery("""
            INSERT INTO judge_queue (source, target, provider, model, prompt_version, priority)
            SELECT p.source, p.target, $3, $4, $5, p.priority
            FROM UNNEST($1::text[], $2::text[], $6::bigint[]) AS p (source, target, priority)
            WHERE NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.source = p.source AND v.target = p.target
                              AND (v.origin IS NOT NULL
                                   OR (v.provider = $3 AND v.model = $4 AND v.prompt_version = $5)))
            ON CONFLICT DO NOTHING
            """).execute(Tuple.of(pairs.stream().map(EntityPair::source).toArray(String[]::new),
            pairs.stream().map(EntityPair::target).toArray(String[]::new), provider, model, prompt, priorities))
        .map(rows -> rows.rowCount());
  }

  /**
   * Removes pending pairs another judge has decided, so they are not paid for here. Pairs claimed (a call in
   * flight) or exported to a batch file stay: their answer is stored under this model when it arrives.
   *
   * @param pairs the pairs decided elsewhere
   * @return how many pending rows were removed
   */
  public Future<Integer> forget(java.util.Collection<EntityPair> pairs) {
    if (pairs.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return pool.preparedQuery("""
            DELETE FROM judge_queue WHERE provider = $3 AND model = $4 AND prompt_version = $5 AND state = 'pending'
              AND (source, target) IN (SELECT * FROM UNNEST($1::text[], $2::text[]))
            """).execute(pairTuple(List.copyOf(pairs))).map(rows -> rows.rowCount());
  }

  /** @return the highest priority number used by strategy pairs, or -1 */
  public Future<Long> lastPriority() {
    return pool.preparedQuery("""
            SELECT COALESCE(max(priority), -1) FROM judge_queue
            WHERE provider = $1 AND model = $2 AND prompt_version = $3 AND priority >= 0
            """).execute(key())
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * Records which call claimed pairs are sent in (before it is sent).
   *
   * @param pairs the claimed pairs
   * @param callId the call's id
   * @return completion
   */
  public Future<Void> markCall(List<EntityPair> pairs, String callId) {
    return pool.preparedQuery("""
            UPDATE judge_queue SET call_id = $6
            WHERE provider = $3 AND model = $4 AND prompt_version = $5 AND state = 'claimed'
              AND (source, target) IN (SELECT * FROM UNNEST($1::text[], $2::text[]))
            """).execute(pairTuple(pairs).addString(callId)).mapEmpty();
  }

  /**
   * The calls an instance had in flight when it stopped: claimed pairs grouped by call id, in prompt order.
   *
   * @param instance the instance's name
   * @return call id to pairs
   */
  public Future<Map<String, List<EntityPair>>> callsInFlight(String instance) {
    return pool.preparedQuery("""
            SELECT call_id, source, target FROM judge_queue
            WHERE provider = $1 AND model = $2 AND prompt_version = $3 AND state = 'claimed' AND claimed_by = $4
              AND call_id IS NOT NULL
            ORDER BY call_id, priority
            """).execute(key().addString(instance))
        .map(rows -> {
          Map<String, List<EntityPair>> calls = new LinkedHashMap<>();
          rows.forEach(row -> calls.computeIfAbsent(row.getString(0), k -> new ArrayList<>())
              .add(new EntityPair(row.getString(1), row.getString(2))));
          return calls;
        });
  }

  /**
   * Takes back the claims an instance left behind (it crashed or was killed before answering).
   *
   * @param instance the instance's name
   * @return how many pairs went back to pending
   */
  public Future<Integer> releaseClaimsOf(String instance) {
    return pool.preparedQuery("""
            UPDATE judge_queue SET state = 'pending', claimed_by = NULL, claimed_until = NULL, call_id = NULL
            WHERE provider = $1 AND model = $2 AND prompt_version = $3 AND state = 'claimed' AND claimed_by = $4
            """).execute(key().addString(instance))
        .map(rows -> rows.rowCount());
  }

  /**
   * Claims the next pending pairs (and pairs whose lease expired), most urgent first.
   *
   * @param instance who claims
   * @param limit at most this many
   * @param leaseMs how long the claim holds if this instance stops answering
   * @return the claimed pairs, in priority order
   */
  public Future<List<EntityPair>> claim(String instance, int limit, long leaseMs) {
    return pool.preparedQuery("""
            WITH next AS (
              SELECT source, target FROM judge_queue
              WHERE provider = $1 AND model = $2 AND prompt_version = $3
                AND ((state = 'pending' AND not_before <= now()) OR (state = 'claimed' AND claimed_until < now()))
              ORDER BY priority
              LIMIT $4
              FOR UPDATE SKIP LOCKED)
            UPDATE judge_queue q
            SET state = 'claimed', claimed_by = $5, claimed_until = now() + $6 * interval '1 millisecond'
            FROM next
            WHERE q.provider = $1 AND q.model = $2 AND q.prompt_version = $3
              AND q.source = next.source AND q.target = next.target
            RETURNING q.source, q.target, q.priority
            """).execute(key().addInteger(limit).addString(instance).addLong(leaseMs))
        .map(rows -> {
          List<Row> sorted = new ArrayList<>();
          rows.forEach(sorted::add);
          sorted.sort(java.util.Comparator.comparingLong(r -> r.getLong(2)));
          List<EntityPair> pairs = new ArrayList<>(sorted.size());
          for (Row row : sorted) {
            pairs.add(new EntityPair(row.getString(0), row.getString(1)));
          }
          return pairs;
        });
  }

  /**
   * Records an answer, atomically: stores the verdicts, deletes their rows, puts pairs the answer left out back to
   * pending (or sets them aside after {@code maxAbstentions}), and adds the tokens to today's spend.
   *
   * @param asked the pairs of the call
   * @param verdicts what the answer decided
   * @param tokens tokens the call cost
   * @param maxAbstentions after this many abstentions a pair is set aside as {@code abstained}
   * @param retryAfterMs when an abstained pair may be asked again
   * @return the verdicts that were new (a verdict already stored is not stored again)
   */
  public Future<List<Verdict>> complete(List<EntityPair> asked, List<Verdict> verdicts, long tokens,
                                        int maxAbstentions, long retryAfterMs) {
    Set<EntityPair> answered = new HashSet<>();
    verdicts.forEach(v -> answered.add(v.pair()));
    List<EntityPair> abstained = asked.stream().filter(p -> !answered.contains(p)).toList();
    return pool.withTransaction(conn -> VerdictStore.insertVerdicts(conn, verdicts)
        .compose(inserted -> deleteRows(conn, verdicts.stream().map(Verdict::pair).toList())
            .compose(v -> abstain(conn, abstained, maxAbstentions, retryAfterMs))
            .compose(v -> addSpend(conn, tokens, 1))
            .map(v -> {
              Set<EntityPair> fresh = new HashSet<>(inserted);
              return verdicts.stream().filter(x -> fresh.contains(x.pair())).toList();
            })));
  }

  /**
   * Sets pairs aside as unparseable, with the reason and the raw answer; they are not asked again by themselves.
   *
   * @param pairs the pairs of the call
   * @param error why the answer was rejected
   * @param rawAnswer the rejected answer
   * @param tokens tokens the rejected answers cost
   * @return completion
   */
  public Future<Void> unparseable(List<EntityPair> pairs, String error, String rawAnswer, long tokens) {
    return pool.withTransaction(conn -> conn.preparedQuery("""
            UPDATE judge_queue SET state = 'unparseable', claimed_by = NULL, claimed_until = NULL,
              last_error = $6, raw_answer = $7
            WHERE provider = $3 AND model = $4 AND prompt_version = $5
              AND (source, target) IN (SELECT * FROM UNNEST($1::text[], $2::text[]))
            """).execute(pairTuple(pairs).addString(error).addString(rawAnswer))
        .compose(r -> addSpend(conn, tokens, 1)));
  }

  /**
   * Puts claimed pairs back to pending (the call failed or was not sent).
   *
   * @param pairs the pairs
   * @param delayMs when they may be claimed again
   * @param error why, kept on the rows
   * @return completion
   */
  public Future<Void> release(List<EntityPair> pairs, long delayMs, String error) {
    return pool.preparedQuery("""
            UPDATE judge_queue SET state = 'pending', claimed_by = NULL, claimed_until = NULL, call_id = NULL,
              not_before = now() + $6 * interval '1 millisecond', last_error = $7
            WHERE provider = $3 AND model = $4 AND prompt_version = $5 AND state = 'claimed'
              AND (source, target) IN (SELECT * FROM UNNEST($1::text[], $2::text[]))
            """).execute(pairTuple(pairs).addLong(delayMs).addString(error))
        .mapEmpty();
  }

  /** @return pairs in the queue by state (answered pairs are not in the queue) */
  public Future<Map<String, Long>> depth() {
    return pool.preparedQuery("""
            SELECT state, count(*) FROM judge_queue WHERE provider = $1 AND model = $2 AND prompt_version = $3
            GROUP BY state
            """).execute(key())
        .map(rows -> {
          Map<String, Long> depth = new LinkedHashMap<>();
          for (String s : List.of("pending", "claimed", "exported", "unparseable", "abstained")) {
            depth.put(s, 0L);
          }
          rows.forEach(row -> depth.put(row.getString(0), row.getLong(1)));
          return depth;
        });
  }

  /** @return tokens spent today (UTC) and in all, for this provider and model: {today, total} */
  public Future<long[]> spent() {
    return pool.preparedQuery("""
            SELECT COALESCE(sum(tokens) FILTER (WHERE day = (now() AT TIME ZONE 'UTC')::date), 0),
                   COALESCE(sum(tokens), 0)
            FROM judge_spend WHERE provider = $1 AND model = $2
            """).execute(Tuple.of(provider, model))
        .map(rows -> {
          Row row = rows.iterator().next();
          return new long[] {row.getLong(0), row.getLong(1)};
        });
  }

  /**
   * Marks pending pairs as exported for a batch-API file, in requests of up to {@code perRequest} pairs, each named
   * by a {@code custom_id}; live judging does not ask them while they are exported.
   *
   * @param exportId unique name of this export, part of every custom_id
   * @param limit at most this many pairs
   * @param perRequest pairs per request
   * @return the requests
   */
  public Future<List<Exported>> export(String exportId, int limit, int perRequest) {
    return pool.withTransaction(conn -> conn.preparedQuery("""
            SELECT source, target FROM judge_queue
            WHERE provider = $1 AND model = $2 AND prompt_version = $3 AND state = 'pending'
            ORDER BY priority LIMIT $4 FOR UPDATE SKIP LOCKED
            """).execute(key().addInteger(limit))
        .compose(rows -> {
          List<Exported> requests = new ArrayList<>();
          List<String> sources = new ArrayList<>();
          List<String> targets = new ArrayList<>();
          List<String> ids = new ArrayList<>();
          List<Integer> positions = new ArrayList<>();
          List<EntityPair> current = new ArrayList<>();
          for (Row row : rows) {
            if (current.size() == perRequest) {
              requests.add(new Exported(exportId + "-" + requests.size(), List.copyOf(current)));
              current.clear();
            }
            EntityPair pair = new EntityPair(row.getString(0), row.getString(1));
            sources.add(pair.source());
            targets.add(pair.target());
            ids.add(exportId + "-" + requests.size());
            positions.add(current.size());
            current.add(pair);
          }
          if (!current.isEmpty()) {
            requests.add(new Exported(exportId + "-" + requests.size(), List.copyOf(current)));
          }
          return conn.preparedQuery("""
                  INSERT INTO judge_exports (export_id, provider, model, prompt_version, requests)
                  VALUES ($1, $2, $3, $4, $5)
                  """).execute(Tuple.of(exportId, provider, model, prompt, requests.size()))
              .compose(x -> conn.preparedQuery("""
                  UPDATE judge_queue q SET state = 'exported', custom_id = e.custom_id, batch_position = e.position
                  FROM UNNEST($1::text[], $2::text[], $6::text[], $7::int[]) AS e (source, target, custom_id, position)
                  WHERE q.provider = $3 AND q.model = $4 AND q.prompt_version = $5
                    AND q.source = e.source AND q.target = e.target
                  """).execute(Tuple.of(sources.toArray(String[]::new), targets.toArray(String[]::new), provider,
                  model, prompt, ids.toArray(String[]::new), positions.toArray(Integer[]::new))))
              .map(r -> requests);
        }));
  }

  /**
   * The pairs of one exported request, in their order in the prompt.
   *
   * @param customId the request's custom_id
   * @return the pairs; empty when the id is unknown (or its pairs were already answered)
   */
  public Future<List<EntityPair>> exported(String customId) {
    return pool.preparedQuery("""
            SELECT source, target FROM judge_queue
            WHERE provider = $1 AND model = $2 AND prompt_version = $3 AND state = 'exported' AND custom_id = $4
            ORDER BY batch_position
            """).execute(key().addString(customId))
        .map(rows -> {
          List<EntityPair> pairs = new ArrayList<>();
          rows.forEach(row -> pairs.add(new EntityPair(row.getString(0), row.getString(1))));
          return pairs;
        });
  }

  /**
   * Whether a custom_id was issued by an export of this queue (its pairs may since have been answered).
   *
   * @param customId the id, {@code <exportId>-<n>}
   * @return true when an export of this queue issued it
   */
  public Future<Boolean> knownCustomId(String customId) {
    int dash = customId.lastIndexOf('-');
    if (dash <= 0) {
      return Future.succeededFuture(false);
    }
    return pool.preparedQuery("""
            SELECT EXISTS (SELECT 1 FROM judge_exports WHERE export_id = $1 AND provider = $2 AND model = $3
                           AND prompt_version = $4 AND $5 < requests)
            """).execute(Tuple.of(customId.substring(0, dash), provider, model, prompt,
            parseIndex(customId.substring(dash + 1))))
        .map(rows -> rows.iterator().next().getBoolean(0));
  }

  private static int parseIndex(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }

  /**
   * Puts exported pairs back to pending (the batch failed or expired).
   *
   * @param customId the request's custom_id
   * @param error why
   * @return how many pairs
   */
  public Future<Integer> unexport(String customId, String error) {
    return pool.preparedQuery("""
            UPDATE judge_queue SET state = 'pending', custom_id = NULL, batch_position = NULL, last_error = $5
            WHERE provider = $1 AND model = $2 AND prompt_version = $3 AND state = 'exported' AND custom_id = $4
            """).execute(key().addString(customId).addString(error))
        .map(rows -> rows.rowCount());
  }

  private Future<Void> deleteRows(SqlClient conn, List<EntityPair> pairs) {
    if (pairs.isEmpty()) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery("""
            DELETE FROM judge_queue WHERE provider = $3 AND model = $4 AND prompt_version = $5
              AND (source, target) IN (SELECT * FROM UNNEST($1::text[], $2::text[]))
            """).execute(pairTuple(pairs)).mapEmpty();
  }

  private Future<Void> abstain(SqlClient conn, List<EntityPair> pairs, int maxAbstentions, long retryAfterMs) {
    if (pairs.isEmpty()) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery("""
            UPDATE judge_queue SET abstentions = abstentions + 1, claimed_by = NULL, claimed_until = NULL,
              custom_id = NULL, batch_position = NULL,
              state = CASE WHEN abstentions + 1 > $6 THEN 'abstained' ELSE 'pending' END,
              not_before = now() + $7 * interval '1 millisecond', last_error = 'left out of the answer'
            WHERE provider = $3 AND model = $4 AND prompt_version = $5
              AND (source, target) IN (SELECT * FROM UNNEST($1::text[], $2::text[]))
            """).execute(pairTuple(pairs).addInteger(maxAbstentions).addLong(retryAfterMs)).mapEmpty();
  }

  private Future<Void> addSpend(SqlClient conn, long tokens, long calls) {
    return conn.preparedQuery("""
            INSERT INTO judge_spend (day, provider, model, tokens, calls)
            VALUES ((now() AT TIME ZONE 'UTC')::date, $1, $2, $3, $4)
            ON CONFLICT (day, provider, model)
            DO UPDATE SET tokens = judge_spend.tokens + EXCLUDED.tokens, calls = judge_spend.calls + EXCLUDED.calls
            """).execute(Tuple.of(provider, model, tokens, calls)).mapEmpty();
  }

  private Tuple pairTuple(List<EntityPair> pairs) {
    return Tuple.of(pairs.stream().map(EntityPair::source).toArray(String[]::new),
        pairs.stream().map(EntityPair::target).toArray(String[]::new), provider, model, prompt);
  }

  @Override
  public void close() {
    pool.close();
  }
}
