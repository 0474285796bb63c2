package io.kerec.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kerec postgres}'s server: started on a fixed port with the durability and authentication of the engine's
 * embedded one, reached over JDBC as the role {@code kerec} with the kept (or given) password, restarted on the
 * same directory; a password given (as from {@code KEREC_PG_PASSWORD}) replaces the kept one.
 */
@Tag("e2e")
class StandalonePostgresTest {
  @TempDir
  Path dir;

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static Connection connect(StandalonePostgres pg, String user, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    return DriverManager.getConnection(pg.jdbcUrl(), p);
  }

  static String show(Connection c, String setting) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void generatedPasswordDurableSettingsAndARestartOnTheSameDirectory() throws Exception {
    int port = freePort();
    String password;
    try (StandalonePostgres pg = StandalonePostgres.start(dir, port, null)) {
      assertThat(pg.port()).isEqualTo(port);
      assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + port + "/kerec");
      Path file = pg.passwordFile();
      assertThat(file).isEqualTo(dir.resolve("postgres.password").toAbsolutePath());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      password = Files.readString(file).strip();
      try (Connection c = connect(pg, "kerec", password)) {
        assertThat(show(c, "fsync")).isEqualTo("on");
        assertThat(show(c, "synchronous_commit")).isEqualTo("on");
        assertThat(show(c, "listen_addresses")).isEqualTo("localhost");
        assertThat(show(c, "password_encryption")).isEqualTo("scram-sha-256");
        try (Statement st = c.createStatement()) {
          st.execute("CREATE TABLE kept (v text)");
          st.execute("INSERT INTO kept VALUES ('before the restart')");
        }
      }
      assertThatThrownBy(() -> connect(pg, "kerec", "wrong").close()).isInstanceOf(SQLException.class)
          .hasMessageContaining("password authentication failed");
      assertThatThrownBy(() -> StandalonePostgres.start(dir, freePort(), null))
          .as("one process per directory").hasMessageContaining("in use");
    }
    try (StandalonePostgres pg = StandalonePostgres.start(dir, port, null);
         Connection c = connect(pg, "kerec", password);
         Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT v FROM kept")) {
      assertThat(Files.readString(pg.passwordFile()).strip()).as("the same password").isEqualTo(password);
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("before the restart");
    }
  }

  @Test
  void aGivenPasswordReplacesTheKeptOne() throws Exception {
    int port = freePort();
    try (StandalonePostgres pg = StandalonePostgres.start(dir, port, null)) {
      assertThat(pg.passwordFile()).exists();
    }
    String given = "it's-a-secret";
    try (StandalonePostgres pg = StandalonePostgres.start(dir, port, given)) {
      assertThat(pg.passwordFile()).isNull();
      assertThat(dir.resolve("postgres.password")).doesNotExist();
      try (Connection c = connect(pg, "kerec", given)) {
        assertThat(show(c, "fsync")).isEqualTo("on");
      }
      try (Connection c = connect(pg, "postgres", given)) {
        assertThat(show(c, "synchronous_commit")).isEqualTo("on");
      }
    }
  }
}
