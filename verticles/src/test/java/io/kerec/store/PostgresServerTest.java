package io.kerec.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kerec.config.PostgresOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL as it really runs: the settings that reach the postmaster (zonky passes {@code -F}, fsync
 * off, before ours), what {@code SHOW} says, who may connect, and the data directory's lock.
 */
@Tag("e2e")
class PostgresServerTest {
  @TempDir
  Path dir;

  @Test
  void aRelativeDataDirectoryAsTheDefaultConfigurationGivesIt() throws Exception {
    // conf/embedded.json says "./data": initdb runs in another directory than the engine, so the path must not be
    // resolved a second time from there. A directory below the working directory, as ./data is.
    Files.createDirectories(Path.of("target"));
    Path relative = Path.of("target")
        .resolve(Files.createTempDirectory(Path.of("target"), "relative-data").getFileName());
    assertThat(relative.isAbsolute()).isFalse();
    try {
      try (PostgresServer pg = PostgresServer.start(options(PostgresOptions.STRICT), relative)) {
        assertThat(show(pg)).containsEntry("fsync", "on");
      }
      Path secret = relative.resolve("postgres.password");
      assertThat(secret).isRegularFile();
      try (PostgresServer again = PostgresServer.start(options(PostgresOptions.STRICT), relative)) {
        assertThat(again.connectOptions().getPassword())
            .isEqualTo(Files.readString(secret, StandardCharsets.US_ASCII).strip());
      }
    } finally {
      try (var files = Files.walk(relative)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static PostgresOptions options(String durability) {
    return new PostgresOptions(true, "127.0.0.1", 0, "kerec", "postgres", null, 1, durability);
  }

  @Test
  void strictByDefaultOverridesZonkysFsyncOffAndAllowsOnlyScramOverLoopback() throws Exception {
    try (PostgresServer pg = PostgresServer.start(options(PostgresOptions.STRICT), dir)) {
      Map<String, String> show = show(pg);
      System.out.println("embedded PostgreSQL settings (strict): " + show);
      assertThat(show).containsEntry("fsync", "on").containsEntry("synchronous_commit", "on")
          .containsEntry("full_page_writes", "on").containsEntry("listen_addresses", "localhost")
          .containsEntry("unix_socket_directories", "").containsEntry("password_encryption", "scram-sha-256");

      List<String> argv = commandLine(pg);
      System.out.println("postmaster command line: " + String.join(" ", argv));
      assertThat(argv).as("zonky still passes -F").contains("-F");
      assertThat(argv.lastIndexOf("fsync=on")).as("our fsync=on comes after zonky's -F")
          .isGreaterThan(argv.indexOf("-F"));

      try (Connection c = pg.dataSource().getConnection(); Statement st = c.createStatement()) {
        List<String> rules = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(
            "SELECT type, array_to_string(database, ','), address, auth_method FROM pg_hba_file_rules ORDER BY rule_number")) {
          while (rs.next()) {
            rules.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4));
          }
        }
        System.out.println("pg_hba rules: " + rules);
        assertThat(rules).containsExactly("host all 127.0.0.1 scram-sha-256", "host all ::1 scram-sha-256");
        try (ResultSet rs = st.executeQuery("SELECT rolpassword FROM pg_authid WHERE rolname = 'postgres'")) {
          rs.next();
          assertThat(rs.getString(1)).startsWith("SCRAM-SHA-256$");
        }
      }

      int port = pg.connectOptions().getPort();
      String url = "jdbc:postgresql://127.0.0.1:" + port + "/kerec";
      assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "")).isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "not-the-password"))
          .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");

      Path secret = dir.resolve("postgres.password");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
      assertThat(Files.readString(secret, StandardCharsets.US_ASCII).strip()).isEqualTo(pg.connectOptions().getPassword());
    }
  }

  @Test
  void relaxedTurnsFsyncAndSynchronousCommitOff() throws Exception {
    try (PostgresServer pg = PostgresServer.start(options(PostgresOptions.RELAXED), dir)) {
      Map<String, String> show = show(pg);
      System.out.println("embedded PostgreSQL settings (relaxed): " + show);
      assertThat(show).containsEntry("fsync", "off").containsEntry("synchronous_commit", "off");
    }
  }

  @Test
  void theDataDirectoryBelongsToOneServerAndToolsAttachToIt() throws Exception {
    try (PostgresServer first = PostgresServer.start(options(PostgresOptions.STRICT), dir)) {
      assertThatThrownBy(() -> PostgresServer.start(options(PostgresOptions.STRICT), dir))
          .isInstanceOf(StoreException.class).hasMessageContaining("is in use by another Kerec process");
      try (PostgresServer attached = PostgresServer.open(options(PostgresOptions.STRICT), dir)) {
        assertThat(attached.connectOptions().getPort()).isEqualTo(first.connectOptions().getPort());
        assertThat(attached.postmaster()).isEmpty();
        try (Connection c = attached.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM events")) {
          rs.next();
          assertThat(rs.getLong(1)).isZero();
        }
      }
      try (Connection c = first.dataSource().getConnection(); Statement st = c.createStatement()) {
        assertThat(st.execute("SELECT 1")).as("closing the attached server left the engine's running").isTrue();
      }
    }
    try (PostgresServer again = PostgresServer.start(options(PostgresOptions.STRICT), dir)) {
      assertThat(show(again)).containsEntry("fsync", "on");
    }
  }

  @Test
  void aClusterMadeWithTrustByAnEarlierVersionGetsAPasswordAndLosesTrust() throws Exception {
    Path pgDir = dir.resolve("postgres");
    Files.createDirectories(pgDir);
    try (EmbeddedPostgres legacy = EmbeddedPostgres.builder().setDataDirectory(pgDir).setCleanDataDirectory(false)
        .setRegisterShutdownHook(false).start();
         Connection c = legacy.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE kerec");
    }
    assertThat(Files.exists(dir.resolve("postgres.password"))).isFalse();
    try (PostgresServer pg = PostgresServer.start(options(PostgresOptions.STRICT), dir)) {
      assertThat(Files.exists(dir.resolve("postgres.password"))).isTrue();
      String url = "jdbc:postgresql://127.0.0.1:" + pg.connectOptions().getPort() + "/kerec";
      assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "")).isInstanceOf(SQLException.class);
      assertThat(show(pg)).containsEntry("fsync", "on");
    }
  }

  private static Map<String, String> show(PostgresServer pg) throws SQLException {
    Map<String, String> values = new TreeMap<>();
    try (Connection c = pg.dataSource().getConnection(); Statement st = c.createStatement()) {
      for (String name : List.of("fsync", "synchronous_commit", "full_page_writes", "listen_addresses",
          "unix_socket_directories", "password_encryption")) {
        try (ResultSet rs = st.executeQuery("SHOW " + name)) {
          rs.next();
          values.put(name, rs.getString(1));
        }
      }
    }
    return values;
  }

  private static List<String> commandLine(PostgresServer pg) throws Exception {
    ProcessHandle postmaster = pg.postmaster().orElseThrow();
    byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(postmaster.pid()), "cmdline"));
    List<String> args = new ArrayList<>();
    for (String a : new String(raw, StandardCharsets.UTF_8).split("\0")) {
      args.add(a);
    }
    return args;
  }
}
