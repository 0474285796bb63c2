package io.kerec;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.config.KerecConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard at {@code /} in a real headless Chromium against a real engine (embedded PostgreSQL and
 * JanusGraph, complements judged from hand-made bills): a purchase posted over HTTP shows up as a live frame with
 * its {@code because} path, the entity explorer draws an entity's complements as an SVG graph, and the status
 * panel reports the components and the judge. Screenshots go to {@code target/screenshots/}.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} (paths overridable with the system properties
 * {@code kerec.chromium} and {@code kerec.chromedriver}); without them the test fails rather than skips.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardEndToEndTest {
  private static final Path CHROMIUM = Path.of(System.getProperty("kerec.chromium", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER = Path.of(System.getProperty("kerec.chromedriver", "/usr/bin/chromedriver"));
  private static final Path SCREENSHOTS = Path.of("target", "screenshots").toAbsolutePath();
  private static final Duration LIVE_WITHIN = Duration.ofSeconds(5);

  private Vertx vertx;
  private Engine engine;
  private WebClient http;
  private WebDriver browser;

  @BeforeAll
  void start(@TempDir Path data) throws Exception {
    assertThat(Files.isExecutable(CHROMIUM)).as("%s (apt-get install chromium)", CHROMIUM).isTrue();
    assertThat(Files.isExecutable(CHROMEDRIVER)).as("%s (apt-get install chromium-driver)", CHROMEDRIVER).isTrue();
    Files.createDirectories(SCREENSHOTS);

    vertx = Engine.newVertx();
    KerecConfig config = TestEngines.config(data);
    engine = TestEngines.start(vertx, config);
    http = WebClient.create(vertx);
    assertThat(post("/v1/items", new JsonArray(TeaShop.items()).encode()).statusCode()).isEqualTo(202);
    assertThat(post("/v1/events", TeaShop.bills().encode()).statusCode()).isEqualTo(202);
    waitUntil("teacup → saucer judged", 30_000, () -> get("/v1/entities/teacup/complements").bodyAsJsonObject()
        .getJsonArray("complements").stream().anyMatch(c -> "saucer".equals(((JsonObject) c).getString("entity"))));

    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--window-size=1400,1000", "--no-first-run", "--disable-extensions");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
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
    assertThat(browser.getTitle()).isEqualTo("Kerec dashboard");
  }

  @Test
  @Order(2)
  void aPurchasePostedOverHttpAppearsAsALiveUpdateWithItsBecausePath() throws Exception {
    open();
    type("user-id", "alice");
    click("watch");
    waitFor("first frame", () -> text("frame-count").equals("1"));
    assertThat(text("conn-state")).isEqualTo("open");
    assertThat(browser.findElement(By.id("fallback-flag")).isDisplayed()).as("alice has bought nothing yet").isTrue();
    assertThat(recommendedIds()).doesNotContain("S3");
    screenshot("dashboard-1-before-purchase");

    long posted = System.nanoTime();
    HttpResponse<Buffer> purchase = post("/v1/events", new JsonArray().add(TeaShop.purchase("alice-1", "alice", "T1",
        "alice-b1", Instant.parse("2011-02-01T09:00:00Z"))).encode());
    assertThat(purchase.statusCode()).isEqualTo(202);

    WebElement saucer = new WebDriverWait(browser, LIVE_WITHIN, Duration.ofMillis(100))
        .withMessage("a live frame recommending the never-sold saucer S3").until(d ->
        d.findElements(By.cssSelector("#recs li[data-item-id='S3']")).stream().findFirst().orElse(null));
    Duration took = Duration.ofNanos(System.nanoTime() - posted);
    assertThat(took).as("live update after the POST").isLessThan(LIVE_WITHIN);
    assertThat(Integer.parseInt(text("frame-count"))).isGreaterThanOrEqualTo(2);
    assertThat(browser.findElement(By.id("fallback-flag")).isDisplayed()).isFalse();
    assertThat(saucer.getText()).contains("PINK VINTAGE SAUCER")
        .contains("because: bought T1 (teacup) → complements → saucer");
    assertThat(saucer.getAttribute("class")).as("highlighted as new since the previous frame").contains("new");
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
    waitFor("teacup's graph", () -> !browser.findElements(
        By.cssSelector("#graph g.node.neighbour[data-entity='saucer']")).isEmpty());
    assertThat(browser.findElement(By.cssSelector("#graph g.node.center")).getAttribute("data-entity"))
        .isEqualTo("teacup");
    List<WebElement> edges = browser.findElements(By.cssSelector("#graph line.edge"));
    List<WebElement> neighbours = browser.findElements(By.cssSelector("#graph g.node.neighbour"));
    JsonArray complements = get("/v1/entities/teacup/complements?k=12").bodyAsJsonObject().getJsonArray("complements");
    assertThat(neighbours).hasSize(complements.size());
    assertThat(edges).hasSize(complements.size());
    assertThat(neighbours.stream().map(n -> n.getAttribute("data-entity")).toList())
        .doesNotContain("teacup", "bag", "jumbo bag");
    assertThat(browser.findElements(By.cssSelector("#complements tbody tr"))).hasSize(complements.size());
    screenshot("dashboard-3-explorer-teacup");

    browser.findElement(By.cssSelector("#graph g.node.neighbour[data-entity='saucer']")).click();
    waitFor("saucer at the centre", () -> "saucer".equals(browser.findElement(By.cssSelector("#graph g.node.center"))
        .getAttribute("data-entity")));
    assertThat(text("explore-state")).startsWith("saucer:");
  }

  @Test
  @Order(4)
  void theStatusPanelShowsComponentsJudgeAndIngestCounts() throws Exception {
    open();
    waitFor("status polled", () -> text("overall").equals("UP"));
    for (String component : List.of("ingest", "graph", "judge", "rank")) {
      assertThat(browser.findElement(By.cssSelector("#components [data-component='" + component + "']")).getText())
          .contains(component).contains("UP");
    }
    waitFor("judge facts", () -> !browser.findElements(By.cssSelector("#judge dd[data-fact='pairs judged']")).isEmpty());
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

  private void open() {
    browser.get("http://127.0.0.1:" + engine.httpPort() + "/");
  }

  private void type(String id, String value) {
    WebElement input = browser.findElement(By.id(id));
    input.clear();
    input.sendKeys(value);
  }

  private void click(String id) {
    browser.findElement(By.id(id)).click();
  }

  private String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  private String fact(String list, String name) {
    return browser.findElement(By.cssSelector("#" + list + " dd[data-fact='" + name + "']")).getText();
  }

  private List<String> recommendedIds() {
    return browser.findElements(By.cssSelector("#recs li")).stream().map(li -> li.getAttribute("data-item-id")).toList();
  }

  private void waitFor(String what, java.util.function.BooleanSupplier condition) {
    new WebDriverWait(browser, Duration.ofSeconds(10), Duration.ofMillis(100)).withMessage(what)
        .until(d -> condition.getAsBoolean());
  }

  private void screenshot(String name) throws IOException {
    Path file = SCREENSHOTS.resolve(name + ".png");
    Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), file,
        StandardCopyOption.REPLACE_EXISTING);
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
