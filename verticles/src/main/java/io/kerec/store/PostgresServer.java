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
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL the engine uses: the embedded one (real PostgreSQL binaries, data kept under
 * {@code <dataDir>/postgres} across restarts) or an external server. {@link #start} also applies the versioned
 * migrations in {@code db/migration}. Blocking: call it off the event loop.
 *
 * <p>The embedded server is run as a store of record (see {@link EmbeddedCluster}): durable commits unless
 * {@code postgres.durability} is {@code relaxed}, a generated SCRAM password, loopback only. A data directory
 * belongs to one process at a time ({@link DataDirLock}, taken by {@link #start} with an external server too);
 * tools reach a running engine's server through {@link #open}.
 */
public final class PostgresServer implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PostgresServer.class);
  private final EmbeddedPostgres embedded;
  private final Path pgDir;
  private final DataDirLock lock;
  private final PgConnectOptions connectOptions;

  private PostgresServer(EmbeddedPostgres embedded, Path pgDir, DataDirLock lock, PgConnectOptions connectOptions) {
    this.embedded = embedded;
    this.pgDir = pgDir;
    this.lock = lock;
    this.connectOptions = connectOptions;
  }

  /**
   * Starts (embedded) or reaches (external) PostgreSQL, creates the database if needed and migrates it. The
   * embedded server needs the data directory to itself: another process using it is an error.
   */
  public static PostgresServer start(PostgresOptions options, Path dataDir) {
    DataDirLock lock = DataDirLock.acquire(dataDir);
    if (options.embedded()) {
      return startEmbedded(options, dataDir, lock);
    }
    try {
      return external(options, lock);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static PostgresServer startEmbedded(PostgresOptions options, Path dataDir, DataDirLock lock) {
    EmbeddedPostgres embedded = null;
    try {
      Path dir = dataDir.resolve("postgres");
      Files.createDirectories(dir);
      stopOrphan(dir);
      String password = EmbeddedCluster.preparePassword(dir, dataDir.resolve(EmbeddedCluster.PASSWORD_FILE));
      embedded = EmbeddedCluster.builder(dir, password, options.strict()).start();
      if (!options.strict()) {
        LOG.warn("postgres.durability is relaxed: fsync and synchronous commit are off, so a crash of PostgreSQL or "
            + "of the machine loses the last acknowledged writes. Use it for throw-away data only.");
      }
      PgConnectOptions connect = new PgConnectOptions().setHost("127.0.0.1").setPort(embedded.getPort())
          .setUser(EmbeddedCluster.SUPERUSER).setPassword(password).setDatabase(options.database());
      createDatabaseIfMissing(embedded.getPostgresDatabase(), options.database());
      migrate(connect);
      return new PostgresServer(embedded, dir, lock, connect);
    } catch (IOException | SQLException | RuntimeException e) {
      closeQuietly(embedded);
      lock.close();
      throw new StoreException("PostgreSQL could not be started or migrated: " + e.getMessage(), e);
    }
  }

  private static PostgresServer external(PostgresOptions options, DataDirLock lock) {
    String password = options.passwordEnv() == null ? null : System.getenv(options.passwordEnv());
    PgConnectOptions connect = new PgConnectOptions().setHost(options.host()).setPort(options.port())
        .setUser(options.user()).setDatabase(options.database());
    if (password != null) {
      connect.setPassword(password);
    }
    try {
      migrate(connect);
      warnIfNotDurable(connect);
      return new PostgresServer(null, null, lock, connect);
    } catch (SQLException | RuntimeException e) {
      throw new StoreException("PostgreSQL could not be reached or migrated: " + e.getMessage(), e);
    }
  }

  /**
   * The database of an engine that may be running, for command-line tools: with the embedded PostgreSQL, connects
   * to the server a running engine holds on {@code dataDir} (its port read from {@code postmaster.pid}, its
   * password from the data directory); otherwise (engine stopped, or an external server) as {@link #start}.
   * Closing an attached server leaves it running.
   */
  public static PostgresServer open(PostgresOptions options, Path dataDir) {
    if (!options.embedded()) {
      return external(options, null);
    }
    DataDirLock lock = DataDirLock.tryAcquire(dataDir);
    if (lock != null) {
      return startEmbedded(options, dataDir, lock);
    }
    Path dir = dataDir.resolve("postgres");
    try {
      Integer port = runningPort(dir);
      if (port == null) {
        throw new StoreException("the data directory " + dataDir + " is in use by another Kerec process"
            + DataDirLock.holder(dataDir) + ", but its PostgreSQL is not running (yet): try again", null);
      }
      LOG.info("using the PostgreSQL of the running engine on {} (port {})", dir, port);
      String password = EmbeddedCluster.readPassword(dataDir.resolve(EmbeddedCluster.PASSWORD_FILE));
      return new PostgresServer(null, null, null, new PgConnectOptions().setHost("127.0.0.1").setPort(port)
          .setUser(EmbeddedCluster.SUPERUSER).setPassword(password).setDatabase(options.database()));
    } catch (IOException e) {
      throw new StoreException("cannot reach the running engine's PostgreSQL on " + dir + ": " + e.getMessage(), e);
    }
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
   * Only called while holding the {@link DataDirLock}, so the server is surely an orphan.
   */
  static void stopOrphan(Path dir) throws IOException {
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

  /** Logs a warning when an external server acknowledges commits before they are on disk. */
  private static void warnIfNotDurable(PgConnectOptions connect) throws SQLException {
    try (Connection c = dataSource(connect).getConnection();
         Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT current_setting('fsync'), current_setting('synchronous_commit')")) {
      rs.next();
      if (!"on".equals(rs.getString(1)) || "off".equals(rs.getString(2))) {
        LOG.warn("PostgreSQL at {}:{} runs with fsync={} and synchronous_commit={}: accepted input can be lost in a "
            + "crash of that server", connect.getHost(), connect.getPort(), rs.getString(1), rs.getString(2));
      }
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
    Flyway.configure().dataSource(dataSource(connect)).locations("classpath:db/migration").load().migrate();
  }

  private static PGSimpleDataSource dataSource(PgConnectOptions connect) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {connect.getHost()});
    ds.setPortNumbers(new int[] {connect.getPort()});
    ds.setDatabaseName(connect.getDatabase());
    ds.setUser(connect.getUser());
    if (connect.getPassword() != null) {
      ds.setPassword(connect.getPassword());
    }
    return ds;
  }

  /** Options for vertx-pg-client pools (with the password). */
  public PgConnectOptions connectOptions() {
    return new PgConnectOptions(connectOptions);
  }

  /** A JDBC data source for the same database (for tools, migrations and tests). */
  public DataSource dataSource() {
    return dataSource(connectOptions);
  }

  /** Whether the database holds any item (so that an empty graph store is a loss, not a first start). */
  public boolean hasItems() {
    try (Connection c = dataSource().getConnection(); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM items)")) {
      rs.next();
      return rs.getBoolean(1);
    } catch (SQLException e) {
      throw new StoreException("cannot count items: " + e.getMessage(), e);
    }
  }

  /** The embedded server's postmaster process, or empty for an external or attached server. */
  public java.util.Optional<ProcessHandle> postmaster() {
    if (embedded == null) {
      return java.util.Optional.empty();
    }
    try {
      return ProcessHandle.of(Long.parseLong(Files.readAllLines(pgDir.resolve("postmaster.pid")).get(0).strip()));
    } catch (IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  @Override
  public void close() {
    closeQuietly(embedded);
    if (lock != null) {
      lock.close();
    }
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
