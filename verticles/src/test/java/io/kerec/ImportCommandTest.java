package io.kerec;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.cli.ImportCommand;
import io.kerec.dataset.CatalogItem;
import io.kerec.dataset.Dataset;
import io.kerec.dataset.Datasets;
import io.kerec.dataset.Purchase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the import command against a local Vert.x server that imitates the engine's ingestion API. */
class ImportCommandTest {
  @TempDir
  Path dir;
  Vertx vertx;
  FakeEngine engine;

  /** One request as the fake engine received it. */
  record Received(int seq, String path, JsonArray body) {
  }

  /**
   * Imitates {@code /health}, {@code POST /v1/items} and {@code POST /v1/events}: validates like the contract
   * (unknown itemId is a 400), counts duplicate event ids, records every body in arrival order, and answers
   * after a random delay so that concurrent requests finish out of order.
   */
  static final class FakeEngine {
    final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    final Set<String> items = Collections.synchronizedSet(new HashSet<>());
    final Set<String> eventIds = Collections.synchronizedSet(new HashSet<>());
    final AtomicInteger seq = new AtomicInteger();
    final AtomicInteger eventRequests = new AtomicInteger();
    final AtomicInteger healthCalls = new AtomicInteger();
    final Random random = new Random(7);
    volatile int unhealthyCalls; // /health answers 503 this many times first
    volatile int rejectEventsRequest; // 1-based events request to answer 400, 0 for none
    int port;
    HttpServer server;

    FakeEngine start(Vertx vertx) throws Exception {
      Router router = Router.router(vertx);
      router.route().handler(BodyHandler.create());
      router.get("/health").handler(ctx -> {
        boolean up = healthCalls.incrementAndGet() > unhealthyCalls;
        ctx.response().setStatusCode(up ? 200 : 503).end(up ? "{\"status\":\"up\"}" : "{\"status\":\"starting\"}");
      });
      router.post("/v1/items").handler(ctx -> {
        JsonArray body = ctx.body().asJsonArray();
        received.add(new Received(seq.incrementAndGet(), "/v1/items", body));
        for (Object o : body) {
          JsonObject it = (JsonObject) o;
          if (!(it.getValue("id") instanceof String) || !(it.getValue("title") instanceof String)) {
            reject(ctx, "id and title must be strings", "id");
            return;
          }
        }
        body.forEach(o -> items.add(((JsonObject) o).getString("id")));
        respond(vertx, ctx, new JsonObject().put("accepted", body.size()));
      });
      router.post("/v1/events").handler(ctx -> {
        JsonArray body = ctx.body().asJsonArray();
        received.add(new Received(seq.incrementAndGet(), "/v1/events", body));
        if (eventRequests.incrementAndGet() == rejectEventsRequest) {
          reject(ctx, "unknown itemId: NOPE-1", "itemId");
          return;
        }
        int duplicates = 0;
        for (Object o : body) {
          JsonObject e = (JsonObject) o;
          if (!items.contains(e.getString("itemId"))) {
            reject(ctx, "unknown itemId: " + e.getString("itemId"), "itemId");
            return;
          }
          if (!eventIds.add(e.getString("id"))) {
            duplicates++;
          }
        }
        respond(vertx, ctx, new JsonObject().put("accepted", body.size() - duplicates).put("duplicates", duplicates));
      });
      server = vertx.createHttpServer().requestHandler(router).listen(0)
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      port = server.actualPort();
      return this;
    }

    private void respond(Vertx vertx, RoutingContext ctx, JsonObject answer) {
      long delay = 1 + random.nextInt(15);
      vertx.setTimer(delay, t -> ctx.response().setStatusCode(202)
          .putHeader("Content-Type", "application/json").end(answer.encode()));
    }

    private static void reject(RoutingContext ctx, String error, String field) {
      ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("error", error).put("field", field).encode());
    }

    String url() {
      return "http://127.0.0.1:" + port;
    }

    List<Received> bodies(String path) {
      synchronized (received) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
      }
    }

    /** Events in arrival order. */
    List<JsonObject> events() {
      List<JsonObject> out = new ArrayList<>();
      for (Received r : bodies("/v1/events")) {
        r.body().forEach(o -> out.add((JsonObject) o));
      }
      return out;
    }
  }

  /** Output of one run. */
  record Run(int exit, String out, String err) {
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new ImportCommand());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    engine = new FakeEngine().start(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /**
   * A small Online Retail file: 15 users, 30 products (with variants and quoted titles), 120 invoices with
   * repeated lines, plus guest, cancelled and postage rows that the reader drops. Gzipped.
   */
  Path generateOnlineRetail() throws IOException {
    Random r = new Random(42);
    StringBuilder b = new StringBuilder(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");
    DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    LocalDateTime t = LocalDateTime.of(2011, 1, 3, 8, 0);
    for (int inv = 0; inv < 120; inv++) {
      t = t.plusMinutes(r.nextInt(3) * 7L); // same instant for some consecutive invoices
      String invoice = String.valueOf(550000 + inv);
      String customer = r.nextInt(10) == 0 ? "" : (12000 + r.nextInt(15)) + ".0";
      if (r.nextInt(15) == 0) {
        invoice = "C" + invoice;
      }
      int lines = 1 + r.nextInt(8);
      for (int l = 0; l < lines; l++) {
        int item = r.nextInt(30);
        String code = (20000 + item) + (item % 3 == 0 ? "A" : "");
        String title = item % 4 == 0 ? "\"MUG, TEA NO " + item + "\"" : "SAUCER NO " + item;
        int qty = invoice.startsWith("C") ? -1 : 1 + r.nextInt(12);
        String row = String.join(",", invoice, code, title, String.valueOf(qty), t.format(f),
            String.format(Locale.ROOT, "%.2f", 1 + item * 0.25), customer, "United Kingdom");
        b.append(row).append('\n');
        if (r.nextInt(6) == 0) {
          b.append(row).append('\n'); // the same line twice in an invoice
        }
      }
      if (r.nextInt(8) == 0) {
        b.append(String.join(",", invoice, "POST", "POSTAGE", "1", t.format(f), "18.00", customer, "France"))
            .append('\n');
      }
    }
    Path file = dir.resolve("retail.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(b.toString().getBytes(StandardCharsets.UTF_8));
    }
    return file;
  }

  static Map<String, List<String>> idsByUser(List<JsonObject> events) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (JsonObject e : events) {
      m.computeIfAbsent(e.getString("userId"), k -> new ArrayList<>()).add(e.getString("id"));
    }
    return m;
  }

  @Test
  void importsItemsThenEventsWithDeterministicIdsAndPerUserOrder() throws Exception {
    Path file = generateOnlineRetail();
    Dataset ds = Datasets.read(file);
    List<Purchase> ps = ds.purchases();
    List<String> ids = ds.eventIds();
    assertThat(ps).hasSizeGreaterThan(300);
    assertThat(ds.catalog()).hasSize(30);
    engine.unhealthyCalls = 2;

    Run first = run("--transactions", file.toString(), "--url", engine.url(), "--batch", "7",
        "--concurrency", "3", "--no-progress");
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out()).matches("imported items=30 events=" + ps.size()
        + " duplicates=0 seconds=\\d+\\.\\d events/s=\\d+\\R");
    assertThat(engine.healthCalls.get()).isEqualTo(3);

    // items: all before any event, each exactly as in the catalog
    List<Received> itemBodies = engine.bodies("/v1/items");
    List<Received> eventBodies = engine.bodies("/v1/events");
    int lastItems = itemBodies.stream().mapToInt(Received::seq).max().orElseThrow();
    int firstEvents = eventBodies.stream().mapToInt(Received::seq).min().orElseThrow();
    assertThat(lastItems).isLessThan(firstEvents);
    assertThat(itemBodies).allSatisfy(r -> assertThat(r.body().size()).isBetween(1, 7));
    Map<String, JsonObject> items = new HashMap<>();
    itemBodies.forEach(r -> r.body().forEach(o -> items.put(((JsonObject) o).getString("id"), (JsonObject) o)));
    assertThat(items).hasSize(ds.catalog().size());
    for (CatalogItem c : ds.catalog()) {
      JsonObject it = items.get(c.itemId());
      assertThat(it.getString("title")).isEqualTo(c.title());
      assertThat(it.getDouble("price")).isEqualTo(c.price());
      assertThat(it.fieldNames()).containsExactlyInAnyOrder("id", "title", "price", "listedAt");
      assertThat(Instant.parse(it.getString("listedAt"))).as("listed at its first purchase in the file")
          .isEqualTo(ps.stream().filter(p -> p.itemId().equals(c.itemId())).map(Purchase::ts).min(Instant::compareTo)
              .orElseThrow());
    }
    assertThat(items.get("20000A").getString("title")).isEqualTo("MUG, TEA NO 0");

    // events: every purchase once, with the right fields
    List<JsonObject> events = engine.events();
    assertThat(eventBodies).allSatisfy(r -> assertThat(r.body().size()).isBetween(1, 7));
    assertThat(events).hasSize(ps.size());
    Map<String, JsonObject> byId = new HashMap<>();
    events.forEach(e -> byId.put(e.getString("id"), e));
    assertThat(byId).hasSize(ps.size());
    for (int i = 0; i < ps.size(); i++) {
      Purchase p = ps.get(i);
      JsonObject e = byId.get(ids.get(i));
      assertThat(e).as(ids.get(i)).isNotNull();
      assertThat(e.fieldNames()).containsExactlyInAnyOrder("id", "type", "userId", "itemId", "ts", "basketId");
      assertThat(e.getString("type")).isEqualTo("purchase");
      assertThat(e.getString("userId")).isEqualTo(p.userId());
      assertThat(e.getString("itemId")).isEqualTo(p.itemId());
      assertThat(e.getString("basketId")).isEqualTo(p.basketId());
      assertThat(Instant.parse(e.getString("ts"))).isEqualTo(p.ts());
      assertThat(e.getString("ts")).endsWith("Z");
      assertThat(e.getString("id")).isEqualTo("or-" + p.basketId() + "-" + p.itemId() + "-"
          + ids.get(i).substring(ids.get(i).lastIndexOf('-') + 1));
    }

    // per-user order: each user's events arrived exactly in the data set's order
    Map<String, List<String>> expected = new LinkedHashMap<>();
    for (int i = 0; i < ps.size(); i++) {
      expected.computeIfAbsent(ps.get(i).userId(), k -> new ArrayList<>()).add(ids.get(i));
    }
    Map<String, List<String>> arrived = idsByUser(events);
    assertThat(arrived).isEqualTo(expected);

    // second run: the same ids again, in the same per-user order, all counted as duplicates
    engine.received.clear();
    Run second = run("--transactions", file.toString(), "--url", engine.url() + "/", "--batch", "7",
        "--concurrency", "3", "--no-progress");
    assertThat(second.exit()).as(second.err()).isZero();
    assertThat(second.out()).startsWith("imported items=30 events=" + ps.size() + " duplicates=" + ps.size() + " ");
    assertThat(idsByUser(engine.events())).isEqualTo(expected);
  }

  @Test
  void defaultsAndProgressBarOnAGenericCsv() throws Exception {
    Path file = dir.resolve("generic.csv");
    Files.writeString(file, "user_id,item_id,basket_id,ts,title\n"
        + "u1,teacup,o1,2011-01-04T10:00:00Z,\"Teacup, blue\"\n"
        + "u1,saucer,o1,2011-01-04T10:00:00Z,Saucer\n"
        + "u2,teacup,,2011-01-03 09:30:00,\n");
    Run run = run("--transactions", file.toString(), "--url", engine.url());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("imported items=2 events=3 duplicates=0 ");
    // u1 and u2 may sit in different lanes, whose requests race; each user's own order is kept
    assertThat(idsByUser(engine.events())).containsOnly(
        Map.entry("u1", List.of("csv-o1-teacup-0", "csv-o1-saucer-0")),
        Map.entry("u2", List.of("csv-u2@2011-01-03T09:30:00Z-teacup-0")));
    assertThat(engine.bodies("/v1/items")).hasSize(1);
    assertThat(engine.bodies("/v1/items").get(0).body().getJsonObject(0).containsKey("price")).isFalse();
  }

  @Test
  void aRejectedBatchAbortsWithTheServersError() throws Exception {
    Path file = generateOnlineRetail();
    engine.rejectEventsRequest = 2;
    Run run = run("--transactions", file.toString(), "--url", engine.url(), "--batch", "20",
        "--concurrency", "1", "--no-progress");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).doesNotContain("imported");
    assertThat(run.err()).contains("import failed: events batch 2/")
        .contains("HTTP 400").contains("unknown itemId: NOPE-1").contains("\"field\":\"itemId\"");
    assertThat(engine.bodies("/v1/events")).hasSize(2); // nothing posted after the failure
  }

  @Test
  void aRejectedBatchAmongConcurrentLanesAbortsTheImport() throws Exception {
    Path file = generateOnlineRetail();
    engine.rejectEventsRequest = 2;
    Run run = run("--transactions", file.toString(), "--url", engine.url(), "--batch", "10",
        "--concurrency", "4", "--no-progress");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("import failed: events batch").contains("unknown itemId: NOPE-1");
    // the window in flight finishes, no later window starts
    assertThat(engine.bodies("/v1/events").size()).isLessThanOrEqualTo(8);
  }

  @Test
  void anEngineThatNeverGetsHealthyFails() throws Exception {
    Path file = dir.resolve("g.csv");
    Files.writeString(file, "user_id,item_id,basket_id,ts,title\nu,i,b,2011-01-01T00:00:00Z,t\n");
    engine.unhealthyCalls = Integer.MAX_VALUE;
    Run run = run("--transactions", file.toString(), "--url", engine.url(), "--wait", "1", "--no-progress");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("not healthy after 1 s").contains("HTTP 503");
    assertThat(engine.received).isEmpty();
  }

  @Test
  void badArgumentsAndFiles() throws Exception {
    assertThat(run("--url", engine.url()).exit()).isEqualTo(2); // --transactions is required
    Path file = dir.resolve("g.csv");
    Files.writeString(file, "user_id,item_id,basket_id,ts,title\n");
    assertThat(run("--transactions", file.toString(), "--batch", "0").exit()).isEqualTo(2);
    assertThat(run("--transactions", file.toString(), "--concurrency", "0").exit()).isEqualTo(2);
    Run badUrl = run("--transactions", file.toString(), "--url", "not a url");
    assertThat(badUrl.exit()).isEqualTo(2);
    assertThat(badUrl.err()).contains("--url must be an http(s) URL");
    Run help = run("--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("--transactions=FILE", "--concurrency=N", "default: 500");
    Run missing = run("--transactions", dir.resolve("nope.csv").toString(), "--url", engine.url());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("cannot read").contains("nope.csv");
  }
}
