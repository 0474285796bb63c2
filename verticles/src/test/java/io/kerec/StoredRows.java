package io.kerec;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** What a shared test database ({@code shop} on a zonky server) holds, read over JDBC for the tests' checks. */
final class StoredRows {
  private StoredRows() {
  }

  /** Every user with an event, sorted. */
  static List<String> users(EmbeddedPostgres server) throws SQLException {
    return List.copyOf(new TreeSet<>(strings(server, "SELECT DISTINCT user_id FROM events")));
  }

  /** Every stored event id. */
  static List<String> eventIds(EmbeddedPostgres server) throws SQLException {
    return strings(server, "SELECT event_id FROM events");
  }

  /** How many purchases are stored. */
  static long purchases(EmbeddedPostgres server) throws SQLException {
    return Long.parseLong(strings(server, "SELECT count(*)::text FROM events WHERE type = 'purchase'").get(0));
  }

  private static List<String> strings(EmbeddedPostgres server, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = server.getDatabase("postgres", "shop").getConnection(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
