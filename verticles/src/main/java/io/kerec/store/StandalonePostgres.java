package io.kerec.store;

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

/**
 * The embedded PostgreSQL run on its own, as the shared database of a local cluster of engines
 * ({@code kerec postgres}): the same binaries, durability ({@code fsync} and {@code synchronous_commit} on), and
 * authentication (SCRAM over loopback TCP only, {@code pg_hba.conf} rewritten at every start) as the embedded
 * server of {@code kerec serve} ({@link EmbeddedCluster}), on a fixed port, with a login role and a database
 * {@value #ROLE} for the engines.
 *
 * <p>The superuser's password is the one given (from {@code KEREC_PG_PASSWORD}) or else generated once and kept in
 * {@code <dataDir>/postgres.password} (mode 0600); the role {@value #ROLE} gets the same one at every start. The
 * data directory belongs to one process at a time ({@link DataDirLock}).
 */
public final class StandalonePostgres implements AutoCloseable {
  /** The engines' login role and database. */
  public static final String ROLE = "kerec";

  private final EmbeddedPostgres server;
  private final DataDirLock lock;
  private final Path passwordFile;
  private final String password;

  private StandalonePostgres(EmbeddedPostgres server, DataDirLock lock, Path passwordFile, String password) {
    this.server = server;
    this.lock = lock;
    this.passwordFile = passwordFile;
    this.password = password;
  }

  /**
   * Starts PostgreSQL on {@code 127.0.0.1:port} with its cluster in {@code <dataDir>/postgres}. Blocking.
   *
   * @param password the superuser's and {@value #ROLE}'s password, or null to generate one (kept in the data
   *                 directory)
   */
  public static StandalonePostgres start(Path dataDir, int port, String password) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535: " + port);
    }
    Path data = dataDir.toAbsolutePath().normalize();
    DataDirLock lock = DataDirLock.acquire(data);
    EmbeddedPostgres server = null;
    try {
      Path dir = data.resolve("postgres");
      Files.createDirectories(dir);
      PostgresServer.stopOrphan(dir);
      Path passwordFile = data.resolve(EmbeddedCluster.PASSWORD_FILE);
      String secret = EmbeddedCluster.preparePassword(dir, passwordFile, password);
      // the engine's own server settings, durability strict: the same promises as `serve`
      server = EmbeddedCluster.builder(dir, secret, true).setPort(port).start();
      prepareDatabase(server.getPostgresDatabase(), secret);
      return new StandalonePostgres(server, lock, password == null ? passwordFile : null, secret);
    } catch (IOException | SQLException | RuntimeException e) {
      if (server != null) {
        try {
          server.close();
        } catch (IOException ignored) {
          // stopping is best effort here; the failure matters
        }
      }
      lock.close();
      throw new StoreException("PostgreSQL could not be started on port " + port + ": " + e.getMessage(), e);
    }
  }

  /** Creates (or re-passwords) the login role {@value #ROLE} and creates its database when missing. */
  private static void prepareDatabase(DataSource admin, String password) throws SQLException {
    try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
      boolean roleExists;
      try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
        q.setString(1, ROLE);
        try (ResultSet rs = q.executeQuery()) {
          roleExists = rs.next();
        }
      }
      st.execute((roleExists ? "ALTER ROLE " : "CREATE ROLE ") + ROLE + " WITH LOGIN PASSWORD "
          + EmbeddedCluster.literal(password));
      try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        q.setString(1, ROLE);
        try (ResultSet rs = q.executeQuery()) {
          if (!rs.next()) {
            st.execute("CREATE DATABASE " + ROLE + " OWNER " + ROLE);
          }
        }
      }
    }
  }

  public int port() {
    return server.getPort();
  }

  /** The JDBC URL of the engines' database. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + ROLE;
  }

  /** The password file, or null when the password was given (and is not kept). */
  public Path passwordFile() {
    return passwordFile;
  }

  /** The password of the superuser and of {@value #ROLE}. */
  public String password() {
    return password;
  }

  /** A data source for {@code user} on {@code database}, with the password. */
  public DataSource dataSource(String user, String database) {
    return server.getDatabase(user, database);
  }

  /** Stops PostgreSQL (a fast shutdown: open sessions are ended, commits are on disk). Idempotent. */
  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // the server process is gone either way
    } finally {
      lock.close();
    }
  }
}
