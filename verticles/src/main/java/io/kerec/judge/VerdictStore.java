package io.kerec.judge;

import io.kerec.bus.ExternalVerdict;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The judge's gateway to the {@code verdicts} table: its own verdicts and an external judge's, each stored once
 * per pair, provider, model and prompt version. Beside {@link PairQueue}, which stores a claimed pair's verdict in
 * the transaction that completes it. Non-blocking; queries are parameterised.
 */
public final class VerdictStore {
  private final Pool pool;

  /** A gateway over {@code pool} (the judge shares its store's pool). */
  public VerdictStore(Pool pool) {
    this.pool = pool;
  }

  /** Stores verdicts; a verdict already stored for the same pair, provider, model and prompt is kept. */
  public Future<Void> insertVerdicts(List<Verdict> verdicts) {
    return insertVerdicts(pool, verdicts).mapEmpty();
  }

  /**
   * Stores verdicts through {@code client} (a pool, or a connection inside a caller's transaction); a verdict
   * already stored for the same pair, provider, model and prompt is kept.
   *
   * @return the pairs whose verdict was stored by this call
   */
  public static Future<Set<EntityPair>> insertVerdicts(SqlClient client, List<Verdict> verdicts) {
    if (verdicts.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    return client.preparedQuery("""
            INSERT INTO verdicts (source, target, provider, model, prompt_version, complementary, confidence,
                                  reason, tokens)
            SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[],
                                 $7::float8[], $8::text[], $9::int[])
            ON CONFLICT DO NOTHING
            RETURNING source, target
            """)
        .execute(Tuple.tuple(List.of(
            verdicts.stream().map(Verdict::source).toArray(String[]::new),
            verdicts.stream().map(Verdict::target).toArray(String[]::new),
            verdicts.stream().map(Verdict::provider).toArray(String[]::new),
            verdicts.stream().map(Verdict::model).toArray(String[]::new),
            verdicts.stream().map(Verdict::promptVersion).toArray(String[]::new),
            verdicts.stream().map(Verdict::complementary).toArray(Boolean[]::new),
            verdicts.stream().map(Verdict::confidence).toArray(Double[]::new),
            verdicts.stream().map(Verdict::reason).toArray(String[]::new),
            verdicts.stream().map(Verdict::tokens).toArray(Integer[]::new))))
        .map(rows -> {
          Set<EntityPair> inserted = new HashSet<>();
          rows.forEach(row -> inserted.add(new EntityPair(row.getString(0), row.getString(1))));
          return inserted;
        });
  }

  /**
   * What {@link #insertExternalVerdicts(List)} left in the table.
   *
   * @param verdicts the stored verdict of every distinct key given, as stored (the first one received wins)
   * @param inserted how many of them this call stored
   */
  public record StoredVerdicts(List<Verdict> verdicts, int inserted) {
  }

  /**
   * Stores verdicts of an external judge with their origin, in one transaction; a verdict already stored for the
   * same pair, provider, model and prompt version (read before, or the engine's own) is kept as it was.
   */
  public Future<StoredVerdicts> insertExternalVerdicts(List<ExternalVerdict> verdicts) {
    java.util.Map<List<String>, ExternalVerdict> byKey = new java.util.LinkedHashMap<>();
    for (ExternalVerdict v : verdicts) {
      byKey.putIfAbsent(List.of(v.source(), v.target(), v.provider(), v.model(), v.promptVersion()), v);
    }
    List<ExternalVerdict> distinct = new ArrayList<>(byKey.values());
    if (distinct.isEmpty()) {
      return Future.succeededFuture(new StoredVerdicts(List.of(), 0));
    }
    String[] sources = distinct.stream().map(ExternalVerdict::source).toArray(String[]::new);
    String[] targets = distinct.stream().map(ExternalVerdict::target).toArray(String[]::new);
    String[] providers = distinct.stream().map(ExternalVerdict::provider).toArray(String[]::new);
    String[] models = distinct.stream().map(ExternalVerdict::model).toArray(String[]::new);
    String[] prompts = distinct.stream().map(ExternalVerdict::promptVersion).toArray(String[]::new);
    return pool.withTransaction(conn -> conn.preparedQuery("""
            INSERT INTO verdicts (source, target, provider, model, prompt_version, complementary, confidence,
                                  reason, tokens, origin)
            SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[],
                                 $7::float8[], $8::text[], $9::int[], $10::text[])
            ON CONFLICT DO NOTHING
            """)
        .execute(Tuple.tuple(List.of(sources, targets, providers, models, prompts,
            distinct.stream().map(ExternalVerdict::complementary).toArray(Boolean[]::new),
            distinct.stream().map(ExternalVerdict::confidence).toArray(Double[]::new),
            distinct.stream().map(ExternalVerdict::reason).toArray(String[]::new),
            distinct.stream().map(ExternalVerdict::tokens).toArray(Integer[]::new),
            distinct.stream().map(ExternalVerdict::origin).toArray(String[]::new))))
        .compose(inserted -> conn.preparedQuery("""
                SELECT v.source, v.target, v.complementary, v.confidence, v.reason, v.provider, v.model,
                       v.prompt_version, v.tokens
                FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
                     WITH ORDINALITY AS k(source, target, provider, model, prompt_version, n)
                JOIN verdicts v USING (source, target, provider, model, prompt_version)
                ORDER BY k.n
                """).execute(Tuple.of(sources, targets, providers, models, prompts))
            .map(rows -> {
              List<Verdict> stored = new ArrayList<>(rows.size());
              for (Row row : rows) {
                stored.add(new Verdict(row.getString(0), row.getString(1), row.getBoolean(2), row.getDouble(3),
                    row.getString(4), row.getString(5), row.getString(6), row.getString(7), row.getInteger(8)));
              }
              return new StoredVerdicts(stored, inserted.rowCount());
            })));
  }

  /** The pairs an external judge has decided (read from Kafka), whatever its provider, model and prompt. */
  public Future<Set<EntityPair>> externallyJudgedPairs() {
    return pool.query("SELECT DISTINCT source, target FROM verdicts WHERE origin IS NOT NULL").execute()
        .map(rows -> {
          Set<EntityPair> pairs = new HashSet<>();
          rows.forEach(row -> pairs.add(new EntityPair(row.getString(0), row.getString(1))));
          return pairs;
        });
  }

  /**
   * The pairs decided by a verdict that outranks the given provider's own: an external judge's, the shop's
   * knowledge file's, and, when the own provider is the evidence rule, any other provider's (an LLM's, live or
   * from a batch import). The graph ranks verdicts the same way ({@code Store.decidingVerdicts}).
   */
  public Future<Set<EntityPair>> outrankingPairs(String ownProvider) {
    return pool.preparedQuery("""
            SELECT DISTINCT source, target FROM verdicts
            WHERE origin IS NOT NULL OR provider = 'knowledge' OR ($1 = 'evidence' AND provider <> 'evidence')
            """)
        .execute(Tuple.of(ownProvider))
        .map(rows -> {
          Set<EntityPair> pairs = new HashSet<>();
          rows.forEach(row -> pairs.add(new EntityPair(row.getString(0), row.getString(1))));
          return pairs;
        });
  }

  /** Every stored verdict of a provider, model and prompt version. */
  public Future<List<Verdict>> verdicts(String provider, String model, String promptVersion) {
    return pool.preparedQuery("""
            SELECT source, target, complementary, confidence, reason, tokens FROM verdicts
            WHERE provider = $1 AND model = $2 AND prompt_version = $3
            """)
        .execute(Tuple.of(provider, model, promptVersion))
        .map(rows -> {
          List<Verdict> list = new ArrayList<>(rows.size());
          for (Row row : rows) {
            list.add(new Verdict(row.getString(0), row.getString(1), row.getBoolean(2), row.getDouble(3),
                row.getString(4), provider, model, promptVersion, row.getInteger(5)));
          }
          return list;
        });
  }

}
