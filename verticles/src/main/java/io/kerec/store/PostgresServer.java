package io.kerec.store;

import io.kerec.config.PostgresOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL the engine uses: the embedded one (real PostgreSQL binaries, data kept under
 * {@code <dataDir>/postgres} across restarts) or an external server. {@link #start} also applies the versioned
 * migrations in {@code db/migration}. Blocking: call it off the event loop.
 */
public final class PostgresServer implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PostgresServer.class);
  private final EmbeddedPostgres embedded;
  private final PgConnectOptions connectOptions;

  private PostgresServer(EmbeddedPostgres embedded, PgConnectOptions connectOptions) {
    this.embedded = embedded;
    this.connectOptions = connectOptions;
  }

  /** Starts (embedded) or reaches (external) PostgreSQL, creates the database if needed and migrates it. */
  public static PostgresServer start(PostgresOptions options, Path dataDir) {
    EmbeddedPostgres embedded = null;
    try {
      PgConnectOptions connect;
      if (options.embedded()) {
        Path dir = dataDir.resolve("postgres");
        Files.createDirectories(dir);
        stopOrphan(dir);
        embedded = EmbeddedPostgres.builder()
            .setDataDirectory(dir)
            .setCleanDataDirectory(false)
            .setRegisterShutdownHook(false)
            .setPGStartupWait(Duration.ofSeconds(60))
            .start();
        connect = new PgConnectOptions().setHost("127.0.0.1").setPort(embedded.getPort())
            .setUser("postgres").setDatabase(options.database());
        createDatabaseIfMissing(embedded.getPostgresDatabase(), options.database());
      } else {
        String password = options.passwordEnv() == null ? null : System.getenv(options.passwordEnv());
        connect = new PgConnectOptions().setHost(options.host()).setPort(options.port())
            .setUser(options.user()).setDatabase(options.database());
        if (password != null) {
          connect.setPassword(password);
        }
      }
      migrate(connect);
      return new PostgresServer(embedded, connect);
    } catch (IOException | SQLException | RuntimeException e) {
      closeQuietly(embedded);
      throw new StoreException("PostgreSQL could not be started or migrated: " + e.getMessage(), e);
    }
  }

  /**
   * The database of an engine that may be running, for command-line tools: with the embedded PostgreSQL, connects
   * to the server a running engine holds on {@code dataDir} (its port read from {@code postmaster.pid}); otherwise
   * (engine stopped, or an external server) as {@link #start}. Closing an attached server leaves it running.
   */
  public static PostgresServer open(PostgresOptions options, Path dataDir) {
    if (options.embedded()) {
      Path dir = dataDir.resolve("postgres");
      try {
        Integer port = runningPort(dir);
        if (port != null) {
          LOG.info("using the PostgreSQL of the running engine on {} (port {})", dir, port);
          return new PostgresServer(null, new PgConnectOptions().setHost("127.0.0.1").setPort(port)
              .setUser("postgres").setDatabase(options.database()));
        }
      } catch (IOException e) {
        throw new StoreException("cannot read " + dir.resolve("postmaster.pid") + ": " + e.getMessage(), e);
      }
    }
    return start(options, dataDir);
  }

  /** The port of a live PostgreSQL serving {@code dir}, or null. */
  private static Integer runningPort(Path dir) throws IOException {
    Path pidFile = dir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return null;
    }
    java.util.List<String> lines = Files.readAllLines(pidFile);
    if (lines.size() < 4) {
      return null;
    }
    try {
      long pid = Long.parseLong(lines.get(0).strip());
      boolean live = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
          .filter(h -> h.info().command().map(c -> c.endsWith("postgres")).orElse(false)).isPresent();
      return live ? Integer.parseInt(lines.get(3).strip()) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * An engine killed without a chance to stop (SIGKILL, power loss of the JVM only) leaves its embedded
   * PostgreSQL running on the data directory. Stop it (SIGTERM: its clients are gone, so it shuts down at once;
   * SIGKILL after 60 s, which PostgreSQL recovers from with its WAL) so that this start can take the directory.
   */
  private static void stopOrphan(Path dir) throws IOException {
    Path pidFile = dir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    java.util.List<String> lines = Files.readAllLines(pidFile);
    long pid;
    try {
      pid = lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).strip());
    } catch (NumberFormatException e) {
      return;
    }
    java.util.Optional<ProcessHandle> orphan = ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(h -> h.info().command().map(c -> c.endsWith("postgres")).orElse(false))
        .filter(h -> h.info().arguments().map(a -> String.join(" ", a).contains(dir.toString())).orElse(false));
    if (orphan.isEmpty()) {
      return;
    }
    LOG.warn("PostgreSQL (pid {}) is still running on {} after an unclean stop; stopping it", pid, dir);
    ProcessHandle h = orphan.get();
    h.destroy();
    try {
      h.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      h.destroyForcibly();
      h.onExit().join();
    } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping PostgreSQL pid " + pid, e);
    }
  }

  private static void createDatabaseIfMissing(DataSource admin, String database) throws SQLException {
    try (Connection c = admin.getConnection();
         PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, database);
      try (ResultSet rs = exists.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
      try (Statement create = c.createStatement()) {
        create.execute("CREATE DATABASE " + quoteIdentifier(database));
      }
    }
  }

  private static String quoteIdentifier(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  private static void migrate(PgConnectOptions connect) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {connect.getHost()});
    ds.setPortNumbers(new int[] {connect.getPort()});
    ds.setDatabaseName(connect.getDatabase());
    ds.setUser(connect.getUser());
    if (connect.getPassword() != null) {
      ds.setPassword(connect.getPassword());
    }
    Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
  }

  /** Options for vertx-pg-client pools. */
  public PgConnectOptions connectOptions() {
    return new PgConnectOptions(connectOptions);
  }

  @Override
  public void close() {
    closeQuietly(embedded);
  }

  private static void closeQuietly(EmbeddedPostgres pg) {
    if (pg != null) {
      try {
        pg.close();
      } catch (IOException ignored) {
        // the server process is gone either way
      }
    }
  }
}
