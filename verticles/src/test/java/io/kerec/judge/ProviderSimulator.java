package io.kerec.judge;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local OpenAI-compatible {@code /v1/chat/completions} server for tests and benchmarks: enforces requests and
 * tokens per minute with token buckets (429 with {@code retry-after-ms} and {@code Retry-After}), answers after a
 * log-normal latency, injects 429s, 5xx and malformed answers at given rates, can be switched to 503-only or to
 * refusing connections, and records what it was asked and what it delivered, pair by pair.
 *
 * <p>Its answer logic is a pure function of the pair ({@link #answer(EntityPair)}), so tests know every verdict.
 */
public final class ProviderSimulator implements AutoCloseable {
  /** Pairs in a prompt line: "12. t-light holder -> candle". */
  private static final Pattern PAIR_LINE = Pattern.compile("(?m)^(\\d+)\\. (.+?) -> (.+?)$");
  /** A request this much later than a 429's delivery, and before its Retry-After ended, ignored it. */
  private static final long GRACE_NANOS = 25_000_000;

  /**
   * @param requestsPerMinute 0 for no limit
   * @param tokensPerMinute 0 for no limit
   * @param burstMs burst of the buckets as milliseconds of refill
   * @param latencyMedianMs median answer time
   * @param latencySigma log-normal sigma of the answer time
   * @param rate429 share of requests answered 429 regardless of the limits
   * @param rate5xx share answered 503
   * @param malformedRate share of 200 answers whose content is not the requested JSON
   * @param seed random seed
   */
  public record Options(long requestsPerMinute, long tokensPerMinute, long burstMs, double latencyMedianMs,
                        double latencySigma, double rate429, double rate5xx, double malformedRate, long seed) {
    /** @return a fast, faultless, unlimited simulator */
    public static Options perfect() {
      return new Options(0, 0, 1000, 5, 0.3, 0, 0, 0, 1);
    }
  }

  /** What the simulator answers about one pair. */
  public record Answer(boolean complementary, double confidence, String reason) {
  }

  /** Switches for outages. */
  public enum Mode { UP, UNAVAILABLE, REFUSING }

  private final Vertx vertx;
  private final Options options;
  private final Random random;
  private final Bucket requests;
  private final Bucket tokens;
  private HttpServer server;
  private int port;
  private volatile Mode mode = Mode.UP;
  private volatile java.util.function.Predicate<EntityPair> leftOut = p -> false;

  private final Map<EntityPair, AtomicInteger> asked = new ConcurrentHashMap<>();
  private final Map<EntityPair, AtomicInteger> paid = new ConcurrentHashMap<>();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong acceptedTokens = new AtomicLong();
  private final AtomicLong limited = new AtomicLong();
  private final AtomicLong spurious429 = new AtomicLong();
  private final AtomicLong unavailable = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicLong repairs = new AtomicLong();
  private final AtomicLong aborted = new AtomicLong();
  private final AtomicLong violations = new AtomicLong();
  private final AtomicLong lookedUp = new AtomicLong();
  private final Map<String, JsonObject> stored = new ConcurrentHashMap<>();
  private final List<long[]> acceptedAt = java.util.Collections.synchronizedList(new ArrayList<>());
  private volatile long lastLimitSentNanos;
  private volatile long limitedUntilNanos;

  /**
   * @param vertx where the server runs
   * @param options limits, latency and faults
   */
  public ProviderSimulator(Vertx vertx, Options options) {
    this.vertx = vertx;
    this.options = options;
    this.random = new Random(options.seed());
    this.requests = bucket(options.requestsPerMinute(), options.burstMs());
    this.tokens = bucket(options.tokensPerMinute(), options.burstMs());
  }

  private static Bucket bucket(long perMinute, long burstMs) {
    if (perMinute <= 0) {
      return null;
    }
    long capacity = Math.max(1, perMinute * burstMs / 60_000);
    return Bucket.builder().addLimit(l -> l.capacity(capacity).refillGreedy(perMinute, Duration.ofMinutes(1))
        .initialTokens(capacity)).build();
  }

  /** Starts listening on a free port of the loopback interface. */
  public ProviderSimulator start() {
    return listen(0);
  }

  private ProviderSimulator listen(int wanted) {
    try {
      server = vertx.createHttpServer().requestHandler(this::handle).listen(wanted, "127.0.0.1")
          .toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      throw new IllegalStateException("simulator cannot listen on " + wanted, e);
    }
    port = server.actualPort();
    return this;
  }

  /** @return the base URL to configure, e.g. {@code http://127.0.0.1:PORT/v1} */
  public String baseUrl() {
    return "http://127.0.0.1:" + port + "/v1";
  }

  /**
   * Changes the outage mode: {@code UNAVAILABLE} answers 503 to everything, {@code REFUSING} closes the listening
   * socket (connections are refused), {@code UP} serves again on the same port.
   */
  public void mode(Mode next) {
    Mode previous = mode;
    mode = next;
    try {
      if (next == Mode.REFUSING && previous != Mode.REFUSING) {
        server.close().toCompletionStage().toCompletableFuture().get();
      } else if (next != Mode.REFUSING && previous == Mode.REFUSING) {
        listen(port);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void handle(HttpServerRequest req) {
    long arrived = System.nanoTime();
    if (!"/v1/chat/completions".equals(req.path())) {
      req.response().setStatusCode(404).end();
      return;
    }
    if (req.method() == io.vertx.core.http.HttpMethod.GET) {
      listStored(req);
      return;
    }
    req.body().onSuccess(buffer -> {
      JsonObject body = buffer.toJsonObject();
      JsonArray messages = body.getJsonArray("messages");
      String firstPrompt = messages.getJsonObject(0).getString("content");
      boolean repair = messages.size() > 1;
      List<EntityPair> pairs = pairs(firstPrompt);
      pairs.forEach(p -> asked.computeIfAbsent(p, k -> new AtomicInteger()).incrementAndGet());
      if (mode == Mode.UNAVAILABLE) {
        unavailable.incrementAndGet();
        req.response().setStatusCode(503).end("{\"error\":{\"message\":\"simulated outage\"}}");
        return;
      }
      if (arrived - lastLimitSentNanos > GRACE_NANOS && arrived < limitedUntilNanos) {
        violations.incrementAndGet();
      }
      long promptTokens = promptTokens(messages);
      String content;
      boolean bad;
      synchronized (random) {
        double roll = random.nextDouble();
        if (roll < options.rate429()) {
          spurious429.incrementAndGet();
          tooMany(req, 200);
          return;
        }
        if (roll < options.rate429() + options.rate5xx()) {
          unavailable.incrementAndGet();
          req.response().setStatusCode(503).end("{\"error\":{\"message\":\"simulated 503\"}}");
          return;
        }
        bad = !repair && random.nextDouble() < options.malformedRate();
      }
      content = bad ? "Sure! Here are the verdicts: pair 1 is complementary" : answerContent(pairs, leftOut);
      long completionTokens = (content.length() + 3) / 4;
      long total = promptTokens + completionTokens;
      long waitNanos = 0;
      if (requests != null) {
        ConsumptionProbe probe = requests.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
          waitNanos = probe.getNanosToWaitForRefill();
        }
      }
      if (waitNanos == 0 && tokens != null) {
        ConsumptionProbe probe = tokens.tryConsumeAndReturnRemaining(total);
        if (!probe.isConsumed()) {
          waitNanos = probe.getNanosToWaitForRefill();
          if (requests != null) {
            requests.addTokens(1);
          }
        }
      }
      if (waitNanos > 0) {
        limited.incrementAndGet();
        tooMany(req, Math.max(1, (waitNanos + 999_999) / 1_000_000));
        return;
      }
      accepted.incrementAndGet();
      acceptedTokens.addAndGet(total);
      acceptedAt.add(new long[] {arrived, total});
      if (bad) {
        malformed.incrementAndGet();
      }
      if (repair) {
        repairs.incrementAndGet();
      }
      JsonObject completion = new JsonObject()
          .put("id", "chatcmpl-sim")
          .put("object", "chat.completion")
          .put("model", body.getString("model"))
          .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
              .put("message", new JsonObject().put("role", "assistant").put("content", content))
              .put("finish_reason", "stop")))
          .put("usage", new JsonObject().put("prompt_tokens", promptTokens)
              .put("completion_tokens", completionTokens).put("total_tokens", total));
      long delay = latencyMillis();
      JsonObject metadata = body.getJsonObject("metadata");
      String callId = Boolean.TRUE.equals(body.getBoolean("store")) && metadata != null
          ? metadata.getString("kerec_call") : null;
      vertx.setTimer(Math.max(1, delay), id -> {
        if (callId != null) {
          stored.put(callId, completion);
        }
      });
      vertx.setTimer(Math.max(1, delay), id -> req.response().putHeader("Content-Type", "application/json")
          .end(completion.encode())
          .onSuccess(v -> {
            if (!repair) {
              pairs.forEach(p -> paid.computeIfAbsent(p, k -> new AtomicInteger()).incrementAndGet());
            }
          })
          .onFailure(e -> aborted.incrementAndGet()));
    });
  }

  private void listStored(HttpServerRequest req) {
    String callId = req.getParam("metadata[kerec_call]");
    JsonObject found = callId == null ? null : stored.get(callId);
    JsonArray data = found == null ? new JsonArray() : new JsonArray().add(found);
    if (found != null) {
      lookedUp.incrementAndGet();
    }
    req.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("object", "list")
        .put("data", data).put("has_more", false).encode());
  }

  /** @return stored completions that a client fetched back after a restart */
  public long recoveredLookups() {
    return lookedUp.get();
  }

  private void tooMany(HttpServerRequest req, long retryMs) {
    long until = System.nanoTime() + retryMs * 1_000_000;
    if (until > limitedUntilNanos) {
      limitedUntilNanos = until;
    }
    req.response().setStatusCode(429)
        .putHeader("retry-after-ms", Long.toString(retryMs))
        .putHeader("Retry-After", Long.toString((retryMs + 999) / 1000))
        .end("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}")
        .onComplete(v -> lastLimitSentNanos = System.nanoTime());
  }

  private long latencyMillis() {
    double gaussian;
    synchronized (random) {
      gaussian = random.nextGaussian();
    }
    return Math.round(options.latencyMedianMs() * Math.exp(options.latencySigma() * gaussian));
  }

  /** Prompt tokens as this simulator counts them: four characters a token, plus four a message. */
  static long promptTokens(JsonArray messages) {
    long chars = 0;
    for (int i = 0; i < messages.size(); i++) {
      chars += messages.getJsonObject(i).getString("content", "").length() + 16;
    }
    return (chars + 3) / 4;
  }

  /** The pairs a prompt lists, in order. */
  static List<EntityPair> pairs(String prompt) {
    List<EntityPair> pairs = new ArrayList<>();
    Matcher m = PAIR_LINE.matcher(prompt);
    while (m.find()) {
      pairs.add(new EntityPair(m.group(2).strip(), m.group(3).strip()));
    }
    return pairs;
  }

  /** The simulator's verdict on a pair: a pure function of the names. */
  public static Answer answer(EntityPair pair) {
    int h = Math.floorMod((pair.source() + "\u2192" + pair.target()).hashCode(), 1_000_003);
    boolean complementary = h % 3 == 0;
    double confidence = 0.5 + (h % 50) / 100.0;
    return new Answer(complementary, confidence, "simulated reason " + (h % 997));
  }

  /**
   * Makes valid answers leave out the pairs {@code which} accepts (the model abstains on them).
   *
   * @param which the pairs to leave out
   * @return this simulator
   */
  public ProviderSimulator leaveOut(java.util.function.Predicate<EntityPair> which) {
    leftOut = which;
    return this;
  }

  /** The JSON content answering every pair of a prompt. */
  public static String answerContent(List<EntityPair> pairs) {
    return answerContent(pairs, p -> false);
  }

  /** The JSON content answering the pairs of a prompt but those {@code leftOut} accepts (the model abstains). */
  public static String answerContent(List<EntityPair> pairs, java.util.function.Predicate<EntityPair> leftOut) {
    JsonArray verdicts = new JsonArray();
    for (int i = 0; i < pairs.size(); i++) {
      if (leftOut.test(pairs.get(i))) {
        continue;
      }
      Answer a = answer(pairs.get(i));
      verdicts.add(new JsonObject().put("pair", i + 1).put("complementary", a.complementary())
          .put("confidence", a.confidence()).put("reason", a.reason()));
    }
    return new JsonObject().put("verdicts", verdicts).encode();
  }

  /** A whole chat-completion body answering the pairs, as the simulator sends it. */
  public static JsonObject completionBody(List<EntityPair> pairs, JsonArray messages) {
    return completionBody(pairs, messages, p -> false);
  }

  /** A whole chat-completion body answering the pairs but those {@code leftOut} accepts. */
  public static JsonObject completionBody(List<EntityPair> pairs, JsonArray messages,
                                          java.util.function.Predicate<EntityPair> leftOut) {
    String content = answerContent(pairs, leftOut);
    long prompt = promptTokens(messages);
    long completion = (content.length() + 3) / 4;
    return new JsonObject().put("id", "chatcmpl-sim").put("object", "chat.completion")
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
            .put("message", new JsonObject().put("role", "assistant").put("content", content))
            .put("finish_reason", "stop")))
        .put("usage", new JsonObject().put("prompt_tokens", prompt).put("completion_tokens", completion)
            .put("total_tokens", prompt + completion));
  }

  /** @return requests that listed each pair (any outcome) */
  public Map<EntityPair, AtomicInteger> asked() {
    return asked;
  }

  /** @return first-attempt 200 answers delivered for each pair (what a provider bills) */
  public Map<EntityPair, AtomicInteger> paid() {
    return paid;
  }

  /** @return pairs whose answer was delivered (paid for) more than once */
  public long paidTwice() {
    return paid.values().stream().filter(n -> n.get() > 1).count();
  }

  /** @return requests within the limits (answered 200) */
  public long accepted() {
    return accepted.get();
  }

  /** @return tokens of the accepted requests */
  public long acceptedTokens() {
    return acceptedTokens.get();
  }

  /** @return 429s for exceeding the limits */
  public long limited() {
    return limited.get();
  }

  /** @return 429s injected at random */
  public long spurious429() {
    return spurious429.get();
  }

  /** @return 503s */
  public long unavailable() {
    return unavailable.get();
  }

  /** @return malformed answers sent */
  public long malformed() {
    return malformed.get();
  }

  /** @return repair requests answered */
  public long repairs() {
    return repairs.get();
  }

  /** @return answers that could not be delivered (the client had gone) */
  public long aborted() {
    return aborted.get();
  }

  /** @return requests that arrived while a Retry-After the simulator had sent was still running */
  public long violations() {
    return violations.get();
  }

  /** @return arrival time (nanoTime) and tokens of each accepted request */
  public List<long[]> acceptedAt() {
    synchronized (acceptedAt) {
      return new ArrayList<>(acceptedAt);
    }
  }

  /** @return the options */
  public Options options() {
    return options;
  }

  @Override
  public void close() {
    if (mode != Mode.REFUSING && server != null) {
      server.close();
    }
  }

  /** @return a future completed when the simulator is closed */
  public Future<Void> closeFuture() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
