package io.kerec.judge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One judge per store: the engine whose judge holds PostgreSQL's session advisory lock {@link #LOCK_KEY} judges
 * by itself; the other instances on the same database leave it to that one and follow its verdicts through the
 * store. The lock lives as long as the holder's connection, so when that engine dies, however it dies, PostgreSQL
 * releases it and another instance takes over at its next try. Explicit requests to judge now
 * ({@code kerec.judge.run}) are served by any instance: the verdicts are stored once either way.
 */
final class JudgeLeader {
  private static final Logger LOG = LoggerFactory.getLogger(JudgeLeader.class);
  /** The advisory lock's key: "kerec" in ASCII. */
  static final long LOCK_KEY = 0x6b65726563L;

  private final Vertx vertx;
  private final PgConnectOptions pg;
  private PgConnection connection;
  private boolean held;
  private boolean trying;
  private long timer = -1;

  JudgeLeader(Vertx vertx, PgConnectOptions pg) {
    this.vertx = vertx;
    this.pg = pg;
  }

  /** Tries to take the lock now and every {@code retryMs} while another instance holds it. */
  Future<Void> start(long retryMs) {
    timer = vertx.setPeriodic(retryMs, id -> tryToLead());
    return tryToLead();
  }

  /** Whether this instance judges. */
  boolean held() {
    return held;
  }

  private Future<Void> tryToLead() {
    if (held || trying) {
      return Future.succeededFuture();
    }
    trying = true;
    Future<PgConnection> connected = connection != null ? Future.succeededFuture(connection)
        : PgConnection.connect(vertx, pg).onSuccess(c -> {
          connection = c;
          c.closeHandler(v -> {
            if (held) {
              LOG.warn("judge: lost the connection that held the judge's lock; another instance may judge now");
            }
            held = false;
            connection = null;
          });
        });
    return connected
        .compose(c -> c.query("SELECT pg_try_advisory_lock(" + LOCK_KEY + ")").execute())
        .map(rows -> {
          held = rows.iterator().next().getBoolean(0);
          if (held) {
            LOG.info("judge: this instance judges for the store (advisory lock {})", LOCK_KEY);
          }
          return (Void) null;
        })
        .recover(e -> {
          LOG.warn("judge: could not try the judge's lock: {}", e.getMessage());
          held = false;
          return Future.succeededFuture();
        })
        .onComplete(ar -> trying = false);
  }

  /** Gives the lock up (closing its connection releases it). */
  Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    held = false;
    PgConnection c = connection;
    connection = null;
    return c == null ? Future.succeededFuture() : c.close();
  }
}
