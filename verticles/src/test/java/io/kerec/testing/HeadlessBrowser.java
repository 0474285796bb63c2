package io.kerec.testing;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A real headless Chromium driven over the Chrome DevTools Protocol (a WebSocket from the JDK's own HTTP client),
 * with no WebDriver: nothing has to match the browser's version. Elements are named by CSS selectors; clicks and
 * typing are the browser's own input events (a click lands at the element's centre, and fails if another element
 * is on top, as a user's would).
 */
public final class HeadlessBrowser implements AutoCloseable {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path profile;
  private final Path log;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  private final String version;

  private HeadlessBrowser(Process process, Path profile, Path log, String pageSocket) throws IOException {
    this.process = process;
    this.profile = profile;
    this.log = log;
    this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
        .buildAsync(URI.create(pageSocket), new Listener()).orTimeout(20, TimeUnit.SECONDS).join();
    this.version = send("Runtime.evaluate", new JsonObject().put("expression", "navigator.userAgent")
        .put("returnByValue", true)).getJsonObject("result").getString("value");
  }

  /**
   * Starts {@code chromium} headless with a throw-away profile and a {@code width} × {@code height} viewport; its
   * output goes to {@code log}.
   */
  public static HeadlessBrowser launch(Chromium.Found chromium, int width, int height, Path log) throws IOException {
    Path profile = Files.createTempDirectory("kerec-chromium-");
    Files.createDirectories(log.toAbsolutePath().getParent());
    List<String> command = new ArrayList<>(List.of(chromium.binary().toString(), "--headless=new", "--no-sandbox",
        "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
        "--disable-extensions", "--mute-audio", "--remote-debugging-port=0", "--user-data-dir=" + profile,
        "--window-size=" + width + "," + height, "about:blank"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    builder.environment().putAll(chromium.environment());
    Process process = builder.start();
    try {
      Path activePort = profile.resolve("DevToolsActivePort");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.isRegularFile(activePort) || Files.readAllLines(activePort).isEmpty()) {
        if (!process.isAlive()) {
          throw new IOException(chromium.binary() + " exited with " + process.exitValue() + ": " + tail(log));
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(chromium.binary() + " did not open its DevTools port in 60 s: " + tail(log));
        }
        sleep(50);
      }
      int port = Integer.parseInt(Files.readAllLines(activePort).get(0).trim());
      String pageSocket = pageSocket(port);
      HeadlessBrowser browser = new HeadlessBrowser(process, profile, log, pageSocket);
      browser.send("Page.enable", new JsonObject());
      browser.send("Emulation.setFocusEmulationEnabled", new JsonObject().put("enabled", true));
      browser.send("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", width).put("height", height)
          .put("deviceScaleFactor", 1).put("mobile", false));
      return browser;
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      Chromium.deleteRecursively(profile);
      throw e;
    }
  }

  /** The page target's WebSocket, from the DevTools HTTP endpoint's target list. */
  private static String pageSocket(int port) throws IOException {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest list = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
        .timeout(Duration.ofSeconds(10)).build();
    for (int attempt = 0; attempt < 100; attempt++) {
      try {
        JsonArray targets = new JsonArray(http.send(list, HttpResponse.BodyHandlers.ofString()).body());
        for (Object t : targets) {
          JsonObject target = (JsonObject) t;
          if ("page".equals(target.getString("type"))) {
            return target.getString("webSocketDebuggerUrl");
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      sleep(100);
    }
    throw new IOException("no page target on DevTools port " + port);
  }

  /** The browser's user agent, e.g. {@code ... HeadlessChrome/147.0.7727.0 ...}. */
  public String version() {
    return version;
  }

  /** Loads {@code url} and waits until the new document has loaded. */
  public void open(String url) {
    evaluate("window.__kerecPrevious = true");
    JsonObject result = send("Page.navigate", new JsonObject().put("url", url));
    if (result.getString("errorText") != null) {
      throw new AssertionError("opening " + url + ": " + result.getString("errorText"));
    }
    waitFor("page " + url + " loaded", Duration.ofSeconds(20),
        () -> Boolean.TRUE.equals(evaluate("!window.__kerecPrevious && document.readyState === 'complete'")));
  }

  /** The value of a JavaScript expression (JSON-compatible), or an {@link AssertionError} with the page's error. */
  public Object evaluate(String expression) {
    JsonObject answer = send("Runtime.evaluate", new JsonObject().put("expression", expression)
        .put("returnByValue", true).put("awaitPromise", true));
    JsonObject thrown = answer.getJsonObject("exceptionDetails");
    if (thrown != null) {
      JsonObject exception = thrown.getJsonObject("exception");
      throw new AssertionError(exception != null && exception.getString("description") != null
          ? exception.getString("description") : thrown.getString("text"));
    }
    return answer.getJsonObject("result").getValue("value");
  }

  public String title() {
    return (String) evaluate("document.title");
  }

  /** How many elements match. */
  public int count(String css) {
    return ((Number) evaluate("document.querySelectorAll(" + Json.encode(css) + ").length")).intValue();
  }

  /** The rendered text of the first element that matches, trimmed (as a user reads it). */
  public String text(String css) {
    return (String) evaluate(first(css) + ".innerText.trim()");
  }

  /** An attribute of the first element that matches, or null when it has none. */
  public String attribute(String css, String name) {
    return (String) evaluate(first(css) + ".getAttribute(" + Json.encode(name) + ")");
  }

  /** An attribute of every element that matches, in document order. */
  public List<String> attributes(String css, String name) {
    JsonArray values = array(evaluate("Array.from(document.querySelectorAll(" + Json.encode(css)
        + "), e => e.getAttribute(" + Json.encode(name) + "))"));
    List<String> out = new ArrayList<>();
    values.forEach(v -> out.add((String) v));
    return out;
  }

  /** Whether the first element that matches takes up space on the page and is not hidden. */
  public boolean displayed(String css) {
    return (Boolean) evaluate("(e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')("
        + first(css) + ")");
  }

  /** A left click at the centre of the first element that matches, as mouse events. */
  public void click(String css) {
    JsonArray point = array(evaluate("(e => { e.scrollIntoView({block: 'center'});"
        + " const r = e.getBoundingClientRect(); const x = r.left + r.width / 2, y = r.top + r.height / 2;"
        + " if (r.width === 0 || r.height === 0) throw new Error('not displayed: ' + " + Json.encode(css) + ");"
        + " const hit = document.elementFromPoint(x, y);"
        + " if (hit !== e && !e.contains(hit)) throw new Error(" + Json.encode(css)
        + " + ' is covered by ' + (hit ? hit.outerHTML.slice(0, 80) : 'nothing'));"
        + " return [x, y]; })(" + first(css) + ")"));
    double x = point.getDouble(0);
    double y = point.getDouble(1);
    send("Input.dispatchMouseEvent", new JsonObject().put("type", "mouseMoved").put("x", x).put("y", y));
    for (String type : List.of("mousePressed", "mouseReleased")) {
      send("Input.dispatchMouseEvent", new JsonObject().put("type", type).put("x", x).put("y", y)
          .put("button", "left").put("buttons", type.equals("mousePressed") ? 1 : 0).put("clickCount", 1));
    }
  }

  /** Empties the first input that matches, focuses it and types {@code value} into it. */
  public void type(String css, String value) {
    evaluate("(e => { e.focus(); e.value = ''; e.dispatchEvent(new Event('input', {bubbles: true})); })("
        + first(css) + ")");
    send("Input.insertText", new JsonObject().put("text", value));
    Object typed = evaluate(first(css) + ".value");
    if (!value.equals(typed)) {
      throw new AssertionError("typed " + value + " into " + css + ", which holds " + typed);
    }
  }

  /** A PNG of the viewport. */
  public void screenshot(Path file) throws IOException {
    String data = send("Page.captureScreenshot", new JsonObject().put("format", "png")).getString("data");
    Files.write(file, Base64.getDecoder().decode(data));
  }

  /**
   * Polls {@code condition} every 100 ms until it holds; after {@code timeout}, an {@link AssertionError} naming
   * {@code what} (with the condition's last exception, such as a missing element, as its cause).
   */
  public void waitFor(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    AssertionError lastAssertion = null;
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        last = e;
      } catch (AssertionError e) {
        lastAssertion = e;
      }
      if (System.nanoTime() > deadline) {
        AssertionError failure = new AssertionError(what + ": not within " + timeout.toMillis() + " ms");
        if (last != null) {
          failure.initCause(last);
        } else if (lastAssertion != null) {
          failure.initCause(lastAssertion);
        }
        throw failure;
      }
      sleep(100);
    }
  }

  private static JsonArray array(Object value) {
    return value instanceof JsonArray a ? a : new JsonArray((List<?>) value);
  }

  private static String first(String css) {
    return "(() => { const e = document.querySelector(" + Json.encode(css) + "); if (!e) throw new Error("
        + Json.encode("no element " + css) + "); return e; })()";
  }

  /** Sends one DevTools command and waits for its result. */
  public JsonObject send(String method, JsonObject params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    pending.put(id, answer);
    String message = new JsonObject().put("id", id).put("method", method).put("params", params).encode();
    synchronized (socket) {
      socket.sendText(message, true).join();
    }
    JsonObject reply;
    try {
      reply = answer.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      pending.remove(id);
      throw new IllegalStateException(method + ": no answer from the browser (" + e + "); " + tail(log), e);
    }
    JsonObject error = reply.getJsonObject("error");
    if (error != null) {
      throw new IllegalStateException(method + ": " + error.encode());
    }
    return reply.getJsonObject("result", new JsonObject());
  }

  @Override
  public void close() throws IOException {
    try {
      CompletableFuture<JsonObject> ignored = new CompletableFuture<>();
      int id = ids.incrementAndGet();
      pending.put(id, ignored);
      synchronized (socket) {
        socket.sendText(new JsonObject().put("id", id).put("method", "Browser.close").encode(), true)
            .orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
      }
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } finally {
      socket.abort();
      Chromium.deleteRecursively(profile);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return "browser log " + log + ": " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 10),
          lines.size()));
    } catch (IOException e) {
      return "browser log " + log + " unreadable: " + e;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Joins a message's fragments and completes the command it answers; events are not needed here. */
  private final class Listener implements WebSocket.Listener {
    private final StringBuilder buffer = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      buffer.append(data);
      if (last) {
        JsonObject message = new JsonObject(buffer.toString());
        buffer.setLength(0);
        Integer id = message.getInteger("id");
        if (id != null) {
          CompletableFuture<JsonObject> answer = pending.remove(id);
          if (answer != null) {
            answer.complete(message);
          }
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      pending.values().forEach(f -> f.completeExceptionally(error));
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      pending.values().forEach(f -> f.completeExceptionally(new IOException("DevTools socket closed: " + reason)));
      return null;
    }
  }
}
