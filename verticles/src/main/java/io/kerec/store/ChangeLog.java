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
    return sql.preparedQuery("""
            SELECT i.xid::text, i.seq, i.writer = $4, i.item_id, i.title, i.price, i.category,
                   COALESCE((SELECT array_agg(entity ORDER BY position) FROM item_entities ie
                             WHERE ie.item_id = i.item_id), '{}')
            FROM items i
            WHERE (i.xid, i.seq) > ($1::text::xid8, $2) AND i.xid < $3::text::xid8
              AND NOT pg_visible_in_snapshot(i.xid, $5::text::pg_snapshot)
            ORDER BY i.xid, i.seq LIMIT $6
            """)
        .execute(Tuple.of(Long.toString(cursor.xid()), cursor.seq(), Long.toString(horizon), writer, snapshot, PAGE))
        .map(rows -> {
          List<ItemEntities> out = new ArrayList<>();
          Cursor next = cursor;
          int read = 0;
          for (Row r : rows) {
            read++;
            next = new Cursor(Long.parseLong(r.getString(0)), r.getLong(1));
            if (!r.getBoolean(2)) {
              out.add(new ItemEntities(r.getString(3), r.getString(4), r.getDouble(5), r.getString(6),
                  List.of(r.getArrayOfStrings(7))));
            }
          }
          return new Page<>(out, read, next);
        });
  }

  /** A judged pair whose verdicts changed. */
  public record Pair(String source, String target) {
  }

  /** Pairs with verdicts written after {@code cursor} by transactions before {@code horizon}. */
  public Future<Page<List<Pair>>> verdicts(Cursor cursor, long horizon) {
    return sql.preparedQuery("""
            SELECT v.xid::text, v.seq, v.writer = $4, v.source, v.target
            FROM verdicts v
            WHERE (v.xid, v.seq) > ($1::text::xid8, $2) AND v.xid < $3::text::xid8
              AND NOT pg_visible_in_snapshot(v.xid, $5::text::pg_snapshot)
            ORDER BY v.xid, v.seq LIMIT $6
            """)
        .execute(Tuple.of(Long.toString(cursor.xid()), cursor.seq(), Long.toString(horizon), writer, snapshot, PAGE))
        .map(rows -> {
          List<Pair> out = new ArrayList<>();
          Cursor next = cursor;
          int read = 0;
          for (Row r : rows) {
            read++;
            next = new Cursor(Long.parseLong(r.getString(0)), r.getLong(1));
            if (!r.getBoolean(2)) {
              out.add(new Pair(r.getString(3), r.getString(4)));
            }
          }
          return new Page<>(out, read, next);
        });
  }

  /** Events of other writers: purchases (with their items' entities) and feedback, in log order. */
  public record Events(List<PurchaseFact> purchases, List<FeedbackFact> feedback) {
  }

  /** Events written after {@code cursor} by transactions before {@code horizon}. */
  public Future<Page<Events>> events(Cursor cursor, long horizon) {
    return sql.preparedQuery("""
            SELECT e.xid::text, e.seq, e.writer = $4, e.event_id, e.type, e.user_id, e.item_id, e.basket_id, e.ts,
                   e.edge_source, e.edge_target,
                   CASE WHEN e.type = 'purchase' AND e.writer <> $4 THEN
                     COALESCE((SELECT array_agg(entity ORDER BY position) FROM item_entities ie
                               WHERE ie.item_id = e.item_id), '{}') END
            FROM events e
            WHERE (e.xid, e.seq) > ($1::text::xid8, $2) AND e.xid < $3::text::xid8
              AND NOT pg_visible_in_snapshot(e.xid, $5::text::pg_snapshot)
            ORDER BY e.xid, e.seq LIMIT $6
            """)
        .execute(Tuple.of(Long.toString(cursor.xid()), cursor.seq(), Long.toString(horizon), writer, snapshot, PAGE))
        .map(rows -> {
          List<PurchaseFact> purchases = new ArrayList<>();
          List<FeedbackFact> feedback = new ArrayList<>();
          Cursor next = cursor;
          int read = 0;
          for (Row r : rows) {
            read++;
            next = new Cursor(Long.parseLong(r.getString(0)), r.getLong(1));
            if (r.getBoolean(2)) {
              continue;
            }
            String id = r.getString(3);
            EventType type = EventType.fromWire(r.getString(4));
            String user = r.getString(5);
            String item = r.getString(6);
            long ts = r.getOffsetDateTime(8).toInstant().toEpochMilli();
            Attribution because = r.getString(9) == null ? null : new Attribution(r.getString(9), r.getString(10));
            if (type == EventType.PURCHASE) {
              purchases.add(new PurchaseFact(id, user, item, PurchaseFact.basketKey(user, r.getString(7), ts), ts,
                  List.of(r.getArrayOfStrings(11))));
            }
            if (type != EventType.PURCHASE || because != null) {
              feedback.add(new FeedbackFact(id, type, user, item, ts, because));
            }
          }
          return new Page<>(new Events(purchases, feedback), read, next);
        });
  }
}
