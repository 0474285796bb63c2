package io.kerec.store;

import io.kerec.bus.Attribution;
import io.kerec.bus.EventType;
import io.kerec.bus.FeedbackFact;
import io.kerec.bus.ItemEntities;
import io.kerec.bus.PurchaseFact;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The items, events and verdicts tables read as one ordered change log, so that every engine sharing a PostgreSQL
 * keeps its in-memory views current with what the others write. Each row carries the transaction that wrote it
 * ({@code xid}), its order ({@code seq}) and its writer (the connection's {@code application_name}, see
 * {@link #WRITER_PREFIX}). A reader takes, in {@code (xid, seq)} order, only rows of transactions older than every
 * transaction still running ({@code xid < pg_snapshot_xmin(pg_current_snapshot())}): those are all committed or
 * rolled back, so nothing can later appear behind its cursor. A follower starts from the snapshot its views were
 * built from ({@link Store#inSnapshot}) and skips every row that snapshot saw. Rows of this engine's own writer are
 * read (the cursor moves over them) but not returned: it applied them when it wrote them.
 *
 * <p>Requires PostgreSQL 13 or later ({@code xid8}, {@code pg_current_snapshot}).
 */
public final class ChangeLog {
  /** Prefix of the {@code application_name} of an engine's connections; the rest is the instance's id. */
  public static final String WRITER_PREFIX = "kerec/";
  private static final int PAGE = 5_000;

  private final SqlClient sql;
  private final String writer;
  private final String snapshot;

  /**
   * @param writer   this engine's writer name (its rows are skipped)
   * @param snapshot the snapshot the views were built from: rows it sees are skipped
   */
  public ChangeLog(SqlClient sql, String writer, String snapshot) {
    this.sql = sql;
    this.writer = writer;
    this.snapshot = snapshot;
  }

  /** A position in one table's log: after the row {@code (xid, seq)}. */
  public record Cursor(long xid, long seq) {
    /** Before every row of transactions from {@code xid} on. */
    public static Cursor from(long xid) {
      return new Cursor(xid, Long.MIN_VALUE);
    }
  }

  /** Rows read from one table: those of other writers, and where the cursor is now. */
  public record Page<T>(T rows, int read, Cursor next) {
    /** Whether the table may hold more finished rows after {@link #next}. */
    public boolean full() {
      return read >= PAGE;
    }
  }

  /** The oldest transaction id still running (or the next one): rows of transactions before it are final. */
  public Future<Long> horizon() {
    return sql.query("SELECT pg_snapshot_xmin(pg_current_snapshot())::text").execute()
        .map(rows -> Long.parseLong(rows.iterator().next().getString(0)));
  }

  /** The xmin of the start snapshot: the first cursor of every table. */
  public long start() {
    return Long.parseLong(snapshot.substring(0, snapshot.indexOf(':')));
  }

  /** Items written after {@code cursor} by transactions before {@code horizon}, with their entities. */
  public Future<Page<List<ItemEntities>>> items(Cursor cursor, long horizon) {
    return page("""
            x.item_id, x.title, x.price, x.category,
            COALESCE((SELECT array_agg(entity ORDER BY position) FROM item_entities ie
                      WHERE ie.item_id = x.item_id), '{}'),
            COALESCE(x.listed_at, x.created_at)
            """, "items", cursor, horizon, new ArrayList<ItemEntities>(),
        (r, out) -> out.add(new ItemEntities(r.getString(3), r.getString(4), r.getDouble(5), r.getString(6),
            List.of(r.getArrayOfStrings(7)), r.getOffsetDateTime(8).toInstant())));
  }

  /** A judged pair whose verdicts changed. */
  public record Pair(String source, String target) {
  }

  /** Pairs with verdicts written after {@code cursor} by transactions before {@code horizon}. */
  public Future<Page<List<Pair>>> verdicts(Cursor cursor, long horizon) {
    return page("x.source, x.target", "verdicts", cursor, horizon, new ArrayList<Pair>(),
        (r, out) -> out.add(new Pair(r.getString(3), r.getString(4))));
  }

  /** Events of other writers: purchases (with their items' entities) and feedback, in log order. */
  public record Events(List<PurchaseFact> purchases, List<FeedbackFact> feedback) {
  }

  /** Events written after {@code cursor} by transactions before {@code horizon}. */
  public Future<Page<Events>> events(Cursor cursor, long horizon) {
    return page("""
            x.event_id, x.type, x.user_id, x.item_id, x.basket_id, x.ts, x.edge_source, x.edge_target,
            CASE WHEN x.type = 'purchase' AND x.writer <> $4 THEN
              COALESCE((SELECT array_agg(entity ORDER BY position) FROM item_entities ie
                        WHERE ie.item_id = x.item_id), '{}') END
            """, "events", cursor, horizon, new Events(new ArrayList<>(), new ArrayList<>()), (r, out) -> {
          String id = r.getString(3);
          EventType type = EventType.fromWire(r.getString(4));
          String user = r.getString(5);
          String item = r.getString(6);
          long ts = r.getOffsetDateTime(8).toInstant().toEpochMilli();
          Attribution because = r.getString(9) == null ? null : new Attribution(r.getString(9), r.getString(10));
          if (type == EventType.PURCHASE) {
            out.purchases().add(new PurchaseFact(id, user, item, PurchaseFact.basketKey(user, r.getString(7), ts), ts,
                List.of(r.getArrayOfStrings(11))));
          }
          if (type != EventType.PURCHASE || because != null) {
            out.feedback().add(new FeedbackFact(id, type, user, item, ts, because));
          }
        });
  }

  /**
   * One page of {@code table}'s log after {@code cursor}: the cursor moves over every row read; the rows of other
   * writers go to {@code take} (columns from index 3 on are {@code columns}, over the table aliased {@code x}).
   */
  private <T> Future<Page<T>> page(String columns, String table, Cursor cursor, long horizon, T into,
                                   BiConsumer<Row, T> take) {
    return sql.preparedQuery("SELECT x.xid::text, x.seq, x.writer = $4, " + columns + " FROM " + table + " x"
            + " WHERE (x.xid, x.seq) > ($1::text::xid8, $2) AND x.xid < $3::text::xid8"
            + " AND NOT pg_visible_in_snapshot(x.xid, $5::text::pg_snapshot)"
            + " ORDER BY x.xid, x.seq LIMIT $6")
        .execute(Tuple.of(Long.toString(cursor.xid()), cursor.seq(), Long.toString(horizon), writer, snapshot, PAGE))
        .map(rows -> {
          Cursor next = cursor;
          int read = 0;
          for (Row r : rows) {
            read++;
            next = new Cursor(Long.parseLong(r.getString(0)), r.getLong(1));
            if (!r.getBoolean(2)) {
              take.accept(r, into);
            }
          }
          return new Page<>(into, read, next);
        });
  }
}
