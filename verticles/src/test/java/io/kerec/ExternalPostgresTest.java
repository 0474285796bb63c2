package io.kerec;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.config.ConfigLoader;
import io.kerec.config.KerecConfig;
import io.kerec.engine.Engine;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine pointed at a PostgreSQL server it did not start (postgres.embedded = false). */
@Tag("e2e")
class ExternalPostgresTest {
  @Test
  void usesAnExternalServerAndMigratesIt(@TempDir Path data, @TempDir Path pgDir) throws Exception {
    try (EmbeddedPostgres server = EmbeddedPostgres.builder().setDataDirectory(pgDir).start()) {
      try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE shop");
      }
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("dataDir", data.toString());
      o.putObject("http").put("port", 0);
      o.putObject("postgres").put("embedded", false).put("host", "127.0.0.1").put("port", server.getPort())
          .put("database", "shop").put("user", "postgres");
      o.putObject("rank").put("device", "cpu");
      KerecConfig config = ConfigLoader.load(null, Map.of(), o);
      Vertx vertx = Engine.newVertx();
      Engine engine = TestEngines.start(vertx, config);
      try {
        var response = await(WebClient.create(vertx).post(engine.httpPort(), "127.0.0.1", "/v1/items")
            .putHeader("content-type", "application/json")
            .sendBuffer(Buffer.buffer("[{\"id\":\"A1\",\"title\":\"CAMPING TENT\"}]")));
        assertThat(response.statusCode()).isEqualTo(202);
      } finally {
        await(engine.stop());
        await(vertx.close());
      }
      try (Connection c = server.getDatabase("postgres", "shop").getConnection(); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT title FROM items WHERE item_id = 'A1'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("CAMPING TENT");
      }
    }
  }
}
