package io.kerec;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.bus.Addresses;
import io.kerec.bus.ExternalVerdict;
import io.kerec.bus.ExternalVerdicts;
import io.kerec.cli.Kerec;
import io.kerec.config.ConfigLoader;
import io.kerec.config.KerecConfig;
import io.kerec.engine.Engine;
import io.kerec.graph.ComplementEdge;
import io.kerec.graph.GraphOptions;
import io.kerec.graph.impl.JanusGraphStore;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The graph store is derived from PostgreSQL: an engine loaded with items, bills, the evidence judge's verdicts,
 * external verdicts (one overriding the engine's own) and feedback is stopped; its graph directory is deleted, then
 * corrupted. Each time the engine refuses to start and names {@code kerec graph rebuild}; after the rebuild (or with
 * {@code graph.rebuildOnCorruption}) the graph store holds exactly the edges the live engine wrote (weights,
 * provenance and feedback counts) and the engine answers the same complements and recommendations.
 */
@Tag("e2e")
class GraphRebuildTest {
  private static final List<String> USERS = List.of("u0", "u1", "u2", "v0", "v3", "w0", "w5", "x1");
  private static final List<String> ENTITIES = List.of("teacup", "saucer", "cake stand", "cake case",
      "t-light holder", "bag", "lantern");

  @TempDir
  Path data;

  /** What the engine and its graph store show. */
  record Snapshot(Map<String, Object> complements, Map<String, Object> recommendations) {
  }

  @Test
  void aDeletedOrCorruptGraphStoreIsRebuiltFromPostgresExactlyAsItWas() throws Exception {
    Path conf = data.resolve("kerec.json");
    ObjectNode tree = TestEngines.overrides(data.resolve("engine"));
    Files.writeString(conf, new ObjectMapper().writeValueAsString(tree));
    KerecConfig config = ConfigLoader.load(conf, Map.of(), null);
    Path graphDir = Path.of(GraphOptions.of(config).directory());

    Snapshot live = run(config, GraphRebuildTest::loadAndSnapshot);
    List<String> written = edges(config);
    System.out.println("graph rebuild: the live engine wrote " + written);
    assertThat(written).as("edges the live engine wrote").hasSizeGreaterThanOrEqualTo(4);
    assertThat(written).anyMatch(e -> e.contains("external-judge")).anyMatch(e -> e.contains("evidence"))
        .anyMatch(e -> !e.endsWith(" 0 0"));

    // 1. the graph directory is gone
    deleteTree(graphDir);
    assertThat(startFailure(config)).contains("kerec graph rebuild").contains("is missing");
    System.out.println("graph rebuild after deletion: " + rebuild(conf, config.dataPath()));
    assertThat(edges(config)).as("rebuilt edges").isEqualTo(written);
    assertThat(run(config, GraphRebuildTest::snapshot)).isEqualTo(live);

    // 2. the graph directory is corrupt
    corrupt(graphDir);
    assertThat(startFailure(config)).contains("kerec graph rebuild").contains("cannot be opened");
    System.out.println("graph rebuild after corruption: " + rebuild(conf, config.dataPath()));
    assertThat(edges(config)).isEqualTo(written);
    assertThat(run(config, GraphRebuildTest::snapshot)).isEqualTo(live);

    // 3. corrupt again, and let the engine rebuild at start
    corrupt(graphDir);
    tree.with("graph").put("rebuildOnCorruption", true);
    assertThat(run(ConfigLoader.load(null, Map.of(), tree), GraphRebuildTest::snapshot)).isEqualTo(live);
    assertThat(edges(config)).isEqualTo(written);
    try (Stream<Path> siblings = Files.list(graphDir.getParent())) {
      assertThat(siblings.filter(p -> p.getFileName().toString().startsWith("graph.broken-")).count())
          .as("broken stores kept aside").isGreaterThanOrEqualTo(2);
    }
    System.out.printf("graph rebuild: %d edges, %d entities' complements and %d users' recommendations identical "
        + "after deletion, corruption and a self-healing start%n", written.size(), ENTITIES.size(), USERS.size());
  }

  /** Starts an engine on a Vert.x of its own, applies {@code work}, stops both. */
  static Snapshot run(KerecConfig config, java.util.function.BiFunction<Vertx, Engine, Snapshot> work) {
    Vertx vertx = Engine.newVertx();
    try {
      Engine engine = TestEngines.start(vertx, config);
      try {
        return work.apply(vertx, engine);
      } finally {
        await(engine.stop());
      }
    } finally {
      await(vertx.close());
    }
  }

  /** The message of the engine's failure to start. */
  private static String startFailure(KerecConfig config) {
    Vertx vertx = Engine.newVertx();
    try {
      Throwable failure = await(Engine.start(vertx, config).transform(ar -> io.vertx.core.Future
          .succeededFuture(ar.failed() ? ar.cause() : null)));
      assertThat(failure).as("the engine refused to start").isNotNull();
      StringWriter trace = new StringWriter();
      failure.printStackTrace(new PrintWriter(trace));
      return trace.toString();
    } finally {
      await(vertx.close());
    }
  }

  static Snapshot loadAndSnapshot(Vertx vertx, Engine engine) {
    load(vertx, engine);
    return snapshot(vertx, engine);
  }

  private static void load(Vertx vertx, Engine engine) {
    WebClient http = WebClient.create(vertx);
    List<JsonObject> items = new ArrayList<>(TeaShop.items());
    items.add(new JsonObject().put("id", "L1").put("title", "MOROCCAN METAL LANTERN").put("price", 6.5));
    assertThat(post(http, engine, "/v1/items", new JsonArray(items)).statusCode()).isEqualTo(202);
    JsonArray bills = TeaShop.bills();
    Instant ts = Instant.parse("2011-02-01T10:00:00Z");
    for (int i = 0; i < 6; i++) {
      bills.add(TeaShop.purchase("x" + i + "a", "x" + i, "L1", "lamp-" + i, ts.plusSeconds(i)));
      bills.add(TeaShop.purchase("x" + i + "b", "x" + i, "H1", "lamp-" + i, ts.plusSeconds(i)));
    }
    assertThat(post(http, engine, "/v1/events", bills).statusCode()).isEqualTo(202);
    await(vertx.eventBus().request(Addresses.JUDGE_RUN, "run"));
    // an external judge: a pair of its own, and one the evidence judge decided, which it overrides
    await(vertx.eventBus().request(Addresses.JUDGE_EXTERNAL_VERDICTS, new ExternalVerdicts(List.of(
        new ExternalVerdict("lantern", "cake stand", true, 0.77, "both on a garden table", "external-judge", "m1",
            "p1", 0, "kafka/kerec.verdicts/0/1"),
        new ExternalVerdict("teacup", "saucer", true, 0.91, "a cup stands on its saucer", "external-judge", "m1",
            "p1", 0, "kafka/kerec.verdicts/0/2")))));
    JsonArray feedback = new JsonArray();
    for (int u = 0; u < 40; u++) {
      feedback.add(new JsonObject().put("type", "exposure").put("userId", "f" + u).put("itemId", "S1")
          .put("because", new JsonObject().put("triggerEntity", "teacup").put("entity", "saucer")));
      if (u % 4 == 0) {
        feedback.add(new JsonObject().put("type", "click").put("userId", "f" + u).put("itemId", "S1")
            .put("because", new JsonObject().put("triggerEntity", "teacup").put("entity", "saucer")));
      }
    }
    assertThat(post(http, engine, "/v1/events", feedback).statusCode()).isEqualTo(202);
    await(vertx.eventBus().request(Addresses.GRAPH_FEEDBACK_FLUSH, "flush"));
  }

  static Snapshot snapshot(Vertx vertx, Engine engine) {
    WebClient http = WebClient.create(vertx);
    Map<String, Object> complements = new TreeMap<>();
    for (String e : ENTITIES) {
      HttpResponse<Buffer> r = await(http.get(engine.httpPort(), "127.0.0.1",
          "/v1/entities/" + e.replace(" ", "%20") + "/complements?k=20").send());
      complements.put(e, r.statusCode() == 200 ? r.bodyAsJsonObject().getJsonArray("complements").encode()
          : r.statusCode());
    }
    Map<String, Object> recommendations = new TreeMap<>();
    for (String u : USERS) {
      HttpResponse<Buffer> r = await(http.get(engine.httpPort(), "127.0.0.1",
          "/v1/users/" + u + "/recommendations?k=10").putHeader("Cache-Control", "no-cache").send());
      assertThat(r.statusCode()).isEqualTo(200);
      JsonObject body = r.bodyAsJsonObject();
      body.remove("modelVersion");
      recommendations.put(u, body.getJsonArray("items").encode());
    }
    return new Snapshot(complements, recommendations);
  }

  /** Every COMPLEMENTS edge of the (closed) graph store, sorted, with weight, provenance and feedback counts. */
  static List<String> edges(KerecConfig config) {
    List<String> out = new ArrayList<>();
    try (JanusGraphStore store = JanusGraphStore.open(GraphOptions.of(config))) {
      store.forEachComplement((ComplementEdge e) -> out.add(String.format(java.util.Locale.ROOT,
          "%s -> %s %.9f %.9f %s %d %d", e.from(), e.to(), e.weight(), e.confidence(), e.provenance(),
          e.exposures(), e.clicks())));
    }
    out.sort(null);
    return out;
  }

  static String rebuild(Path conf, Path dataDir) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Kerec());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute("graph", "rebuild", "--conf", conf.toString(), "--data", dataDir.toString());
    assertThat(code).as("kerec graph rebuild: %s", err).isZero();
    return out.toString().replaceAll("\\s+", " ");
  }

  /** Overwrites the head of every BerkeleyDB JE log file with garbage, as a failing disk would. */
  private static void corrupt(Path graphDir) throws Exception {
    try (Stream<Path> files = Files.list(graphDir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".jdb")).toList()) {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
          byte[] junk = new byte[4096];
          new java.util.Random(7).nextBytes(junk);
          ch.write(ByteBuffer.wrap(junk), 0);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws Exception {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static HttpResponse<Buffer> post(WebClient http, Engine engine, String path, JsonArray body) {
    return await(http.post(engine.httpPort(), "127.0.0.1", path).sendJson(body));
  }
}
