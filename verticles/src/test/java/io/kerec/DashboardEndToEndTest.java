package io.kerec;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.config.KerecConfig;
import io.kerec.engine.Engine;
import io.kerec.testing.Chromium;
import io.kerec.testing.HeadlessBrowser;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard at {@code /} in a real headless Chromium against a real engine (embedded PostgreSQL and
 * JanusGraph, complements judged from hand-made bills): a purchase posted over HTTP shows up as a live frame with
 * its {@code because} path, the entity explorer draws an entity's complements as an SVG graph, and the status
 * panel reports the components and the judge. Screenshots go to {@code target/screenshots/}.
 *
 * <p>The browser is the system's Chromium when there is one, else the npm one that {@link Chromium} fetches and
 * caches ({@code -Dkerec.chromium=PATH|npm} to choose); it is driven over the DevTools protocol, so no driver is
 * needed. When no browser can be had the test fails, naming the install command; it never skips.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardEndToEndTest {
  private static final Path SCREENSHOTS = Path.of("target", "screenshots").toAbsolutePath();
  private static final Duration LIVE_WITHIN = Duration.ofSeconds(5);

  private Vertx vertx;
  private Engine engine;
  private WebClient http;
  private HeadlessBrowser browser;

  @BeforeAll
  void start(@TempDir Path data) throws Exception {
    Chromium.Found chromium = Chromium.find();
    Files.createDirectories(SCREENSHOTS);

    vertx = Engine.newVertx();
    // an experiment whose arms change nothing, so that the other panels show what they would without it
    com.fasterxml.jackson.databind.node.ObjectNode overrides = TestEngines.overrides(data);
    com.fasterxml.jackson.databind.node.ArrayNode arms = overrides.putArray("experiments").addObject()
        .put("name", "shop-ab").put("salt", "s").putArray("arms");
    arms.addObject().put("name", "a").put("weight", 1);
    arms.addObject().put("name", "b").put("weight", 1);
    KerecConfig config = io.kerec.config.ConfigLoader.load(null, java.util.Map.of(), overrides);
    engine = TestEngines.start(vertx, config);
    http = WebClient.create(vertx);
    assertThat(post("/v1/items", new JsonArray(TeaShop.items()).encode()).statusCode()).isEqualTo(202);
    assertThat(post("/v1/events", TeaShop.bills().encode()).statusCode()).isEqualTo(202);
    waitUntil("teacup → saucer judged", 30_000, () -> get("/v1/entities/teacup/complements").bodyAsJsonObject()
        .getJsonArray("complements").stream().anyMatch(c -> "saucer".equals(((JsonObject) c).getString("entity"))));

    browser = HeadlessBrowser.launch(chromium, 1400, 1000, Path.of("target", "chromium.log"));
    System.out.println("[kerec] dashboard test browser: " + chromium.binary() + " (" + chromium.origin() + "), "
        + browser.version());
  }

  @AfterAll
  void stop() throws IOException {
    if (browser != null) {
      browser.close();
    }
    if (engine != null) {
      await(engine.stop());
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @Test
  @Order(1)
  void thePageIsServedAtTheRootAndLoadsNothingFromElsewhere() {
    HttpResponse<Buffer> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.getHeader("content-type")).startsWith("text/html");
    assertThat(page.getHeader("Content-Security-Policy")).contains("default-src 'none'").contains("connect-src 'self'");
    assertThat(page.bodyAsString()).doesNotContain("http://", "https://", "//cdn");
    assertThat(get("/dashboard.js").statusCode()).isEqualTo(200);
    assertThat(get("/no-such-file.js").statusCode()).isEqualTo(404);

    open();
    assertThat(browser.title()).isEqualTo("Kerec dashboard");
  }

  @Test
  @Order(2)
  void aPurchasePostedOverHttpAppearsAsALiveUpdateWithItsBecausePath() throws Exception {
    open();
    type("user-id", "alice");
    click("watch");
    waitFor("first frame", () -> text("frame-count").equals("1"));
    assertThat(text("conn-state")).isEqualTo("open");
    assertThat(browser.displayed("#fallback-flag")).as("alice has bought nothing yet").isTrue();
    assertThat(recommendedIds()).doesNotContain("S3");
    screenshot("dashboard-1-before-purchase");

    long posted = System.nanoTime();
    HttpResponse<Buffer> purchase = post("/v1/events", new JsonArray().add(TeaShop.purchase("alice-1", "alice", "T1",
        "alice-b1", Instant.parse("2011-02-01T09:00:00Z"))).encode());
    assertThat(purchase.statusCode()).isEqualTo(202);

    String saucer = "#recs li[data-item-id='S3']";
    browser.waitFor("a live frame recommending the never-sold saucer S3", LIVE_WITHIN,
        () -> browser.count(saucer) > 0);
    Duration took = Duration.ofNanos(System.nanoTime() - posted);
    assertThat(took).as("live update after the POST").isLessThan(LIVE_WITHIN);
    assertThat(Integer.parseInt(text("frame-count"))).isGreaterThanOrEqualTo(2);
    assertThat(browser.displayed("#fallback-flag")).isFalse();
    assertThat(browser.text(saucer)).contains("PINK VINTAGE SAUCER")
        .contains("because: bought T1 (teacup) → complements → saucer");
    assertThat(browser.attribute(saucer, "class")).as("highlighted as new since the previous frame").contains("new");
    assertThat(recommendedIds()).contains("S1", "S2").doesNotContain("T1", "T2", "T3");
    assertThat(text("changes")).contains("S3");
    assertThat(text("last-update")).isNotEqualTo("never");
    screenshot("dashboard-2-after-purchase");
  }

  @Test
  @Order(3)
  void theExplorerDrawsAnEntityAndItsComplementsAndFollowsAClick() throws Exception {
    open();
    type("entity", "teacup");
    click("explore");
    waitFor("teacup's graph", () -> browser.count("#graph g.node.neighbour[data-entity='saucer']") > 0);
    assertThat(browser.attribute("#graph g.node.center", "data-entity")).isEqualTo("teacup");
    JsonArray complements = get("/v1/entities/teacup/complements?k=12").bodyAsJsonObject().getJsonArray("complements");
    List<String> neighbours = browser.attributes("#graph g.node.neighbour", "data-entity");
    assertThat(neighbours).hasSize(complements.size());
    assertThat(browser.count("#graph line.edge")).isEqualTo(complements.size());
    assertThat(neighbours).doesNotContain("teacup", "bag", "jumbo bag");
    assertThat(browser.count("#complements tbody tr")).isEqualTo(complements.size());
    screenshot("dashboard-3-explorer-teacup");

    browser.click("#graph g.node.neighbour[data-entity='saucer']");
    waitFor("saucer at the centre", () -> "saucer".equals(browser.attribute("#graph g.node.center", "data-entity")));
    assertThat(text("explore-state")).startsWith("saucer:");
  }

  @Test
  @Order(4)
  void theStatusPanelShowsComponentsJudgeAndIngestCounts() throws Exception {
    open();
    waitFor("status polled", () -> text("overall").equals("UP"));
    for (String component : List.of("ingest", "graph", "judge", "rank")) {
      assertThat(browser.text("#components [data-component='" + component + "']"))
          .contains(component).contains("UP");
    }
    waitFor("judge facts", () -> browser.count("#judge dd[data-fact='pairs judged']") > 0);
    long judged = get("/v1/judge/status").bodyAsJsonObject().getJsonObject("details").getLong("pairsJudged");
    assertThat(judged).isPositive();
    assertThat(Long.parseLong(fact("judge", "pairs judged"))).isPositive();
    assertThat(fact("judge", "provider")).isEqualTo("evidence");
    JsonObject graph = get("/health").bodyAsJsonObject().getJsonObject("components").getJsonObject("graph")
        .getJsonObject("details");
    assertThat(fact("ingest", "items")).isEqualTo(String.valueOf(graph.getLong("items")));
    assertThat(fact("ingest", "purchases")).isEqualTo(String.valueOf(graph.getLong("purchases")));
    assertThat(fact("ingest", "accepted since start")).isEqualTo(TeaShop.items().size() + " items, " + (TeaShop.bills().size() + 1)
        + " events");
    screenshot("dashboard-4-status");
  }

  @Test
  @Order(5)
  void theExperimentsPanelShowsEachArmsCountsAsTheApiReportsThem() throws Exception {
    JsonArray events = new JsonArray();
    for (int i = 0; i < 40; i++) {
      String user = "ab-" + i;
      events.add(new JsonObject().put("id", "abx" + i).put("type", "exposure").put("userId", user).put("itemId", "S1")
          .put("ts", "2011-02-01T10:00:00Z"));
      if (i % 3 == 0) {
        events.add(new JsonObject().put("id", "abp" + i).put("type", "purchase").put("userId", user)
            .put("itemId", "S1").put("ts", "2011-02-01T10:05:00Z"));
      }
    }
    assertThat(post("/v1/events", events.encode()).statusCode()).isEqualTo(202);
    JsonObject report = get("/v1/experiments/shop-ab").bodyAsJsonObject();
    open();
    waitFor("experiments panel", () -> browser.displayed("#experiments")
        && browser.count("#experiments [data-experiment='shop-ab'] tbody tr") == 2);
    for (Object o : report.getJsonArray("arms")) {
      JsonObject arm = (JsonObject) o;
      String row = "#experiments [data-experiment='shop-ab'] tr[data-arm='" + arm.getString("name") + "'] ";
      waitFor("arm " + arm.getString("name") + " counted", () ->
          browser.text(row + "td[data-count='users']").equals(String.valueOf(arm.getLong("users"))));
      assertThat(browser.text(row + "td[data-count='purchases']")).isEqualTo(String.valueOf(arm.getLong("purchases")));
    }
    assertThat(report.getJsonArray("arms").stream().mapToLong(a -> ((JsonObject) a).getLong("users")).sum())
        .isEqualTo(40);
    screenshot("dashboard-5-experiments");
  }

  private void open() {
    browser.open("http://127.0.0.1:" + engine.httpPort() + "/");
  }

  private void type(String id, String value) {
    browser.type("#" + id, value);
  }

  private void click(String id) {
    browser.click("#" + id);
  }

  private String text(String id) {
    return browser.text("#" + id);
  }

  private String fact(String list, String name) {
    return browser.text("#" + list + " dd[data-fact='" + name + "']");
  }

  private List<String> recommendedIds() {
    return browser.attributes("#recs li", "data-item-id");
  }

  private void waitFor(String what, java.util.function.BooleanSupplier condition) {
    browser.waitFor(what, Duration.ofSeconds(10), condition);
  }

  private void screenshot(String name) throws IOException {
    Path file = SCREENSHOTS.resolve(name + ".png");
    browser.screenshot(file);
    System.out.println("[[ATTACHMENT|" + file + "]]");
  }

  private HttpResponse<Buffer> post(String path, String body) {
    return await(http.post(engine.httpPort(), "127.0.0.1", path).putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body)));
  }

  private HttpResponse<Buffer> get(String path) {
    return await(http.get(engine.httpPort(), "127.0.0.1", path).send());
  }

  private static void waitUntil(String what, long timeoutMs, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(what + ": not within " + timeoutMs + " ms");
      }
      Thread.sleep(100);
    }
  }
}
