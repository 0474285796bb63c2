package io.kerec.judge;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kerec.config.OpenAiOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Asks an LLM behind any OpenAI-compatible {@code /v1/chat/completions} endpoint (OpenAI, vLLM, Ollama, llama.cpp
 * server…) whether directed entity pairs are complementary. Non-blocking (Vert.x {@link WebClient}).
 *
 * <p><b>Prompt.</b> The versioned template {@value #PROMPT_RESOURCE} lists the numbered pairs and asks for strict
 * JSON {@code {"verdicts":[{"pair":1,"complementary":true,"confidence":0.8,"reason":"..."}]}}. The request uses
 * temperature 0 and, when {@link OpenAiOptions#jsonMode()}, {@code response_format: {"type":"json_object"}}.
 *
 * <p><b>Parsing, strict.</b> The message content must be exactly one JSON object (a single surrounding markdown code
 * fence is tolerated) with a {@code verdicts} array whose entries have an integer {@code pair} in 1..n,
 * a boolean {@code complementary}, a number {@code confidence} in [0, 1] and optionally a string {@code reason};
 * no pair number twice. No value is coerced ({@code "true"} is not a boolean). When the first answer breaks these
 * rules, the provider asks once more, sending the rejected answer back with a repair instruction; if that answer is
 * broken too, the future fails with {@link UnparseableAnswerException} carrying both raw answers. Nothing is guessed.
 * Pairs that a valid answer leaves out are omitted from the result (abstention).
 *
 * <p><b>Tokens.</b> {@code usage.total_tokens} (of both requests when a repair was needed; 0 when the server reports
 * none) is split evenly over all pairs of the call, the remainder going to the first pairs, and recorded with each
 * verdict.
 *
 * <p><b>Failures.</b> Non-2xx: {@link ProviderHttpException} with the status, {@code Retry-After} in seconds and the
 * body. No connection or timeout: {@link ProviderTransportException}. A 2xx body that is not a chat completion:
 * {@link UnparseableAnswerException} (no repair: the server, not the model, is at fault). More pairs than
 * {@link #maxBatch()}: {@link IllegalArgumentException}. This provider never retries HTTP failures itself.
 */
public final class OpenAiVerdictProvider implements VerdictProvider {
  /** Provider name recorded with verdicts. */
  public static final String NAME = "openai";
  /** Version of the prompt template, recorded with verdicts. */
  public static final String PROMPT_VERSION = "complementary-v1";
  /** Class-path location of the prompt template. */
  public static final String PROMPT_RESOURCE = "judge/prompts/complementary-v1.txt";

  private static final ObjectMapper STRICT = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final WebClient client;
  private final boolean ownsClient;
  private final OpenAiOptions options;
  private final String apiKey;
  private final String template;
  private final Clock clock;
  private final CallPolicy policy;
  private final int answerTokensPerPair;

  /**
   * Creates a provider with its own {@link WebClient}; the API key is read from the environment variable named by
   * {@link OpenAiOptions#apiKeyEnv()}.
   *
   * @param vertx the Vert.x instance
   * @param options endpoint, model and limits
   */
  public OpenAiVerdictProvider(Vertx vertx, OpenAiOptions options) {
    this(WebClient.create(vertx), true, options, System::getenv, Clock.systemUTC(), CallPolicy.DIRECT, 0);
  }

  /**
   * Creates a provider with its own {@link WebClient} whose every HTTP call goes through {@code policy}
   * (throttle, retries, circuit breaker: {@link LlmCallPolicy}).
   *
   * @param vertx the Vert.x instance
   * @param options endpoint, model and limits
   * @param policy how each HTTP call is admitted, retried and accounted
   * @param answerTokensPerPair answer tokens expected per pair, for the estimate given to {@code policy}
   * @param maxConnections HTTP connections to the provider; at least the calls in flight, so that no admitted
   *     call waits for a connection (and is sent after a {@code Retry-After} began)
   */
  public OpenAiVerdictProvider(Vertx vertx, OpenAiOptions options, CallPolicy policy, int answerTokensPerPair,
                               int maxConnections) {
    this(WebClient.create(vertx, new io.vertx.ext.web.client.WebClientOptions(),
            new io.vertx.core.http.PoolOptions().setHttp1MaxSize(Math.max(1, maxConnections))),
        true, options, System::getenv, Clock.systemUTC(), policy, answerTokensPerPair);
  }

  /**
   * Creates a provider on a shared {@link WebClient} (not closed by {@link #close()}).
   *
   * @param client the web client
   * @param options endpoint, model and limits
   * @param environment looks up environment variables (e.g. {@code System::getenv})
   */
  public OpenAiVerdictProvider(WebClient client, OpenAiOptions options, Function<String, String> environment) {
    this(client, false, options, environment, Clock.systemUTC(), CallPolicy.DIRECT, 0);
  }

  private OpenAiVerdictProvider(WebClient client, boolean ownsClient, OpenAiOptions options,
                                Function<String, String> environment, Clock clock, CallPolicy policy,
                                int answerTokensPerPair) {
    this.client = Objects.requireNonNull(client, "client");
    this.ownsClient = ownsClient;
    this.options = Objects.requireNonNull(options, "options");
    Objects.requireNonNull(environment, "environment");
    String key = options.apiKeyEnv() == null || options.apiKeyEnv().isBlank()
        ? null : environment.apply(options.apiKeyEnv());
    this.apiKey = key == null || key.isBlank() ? null : key.strip();
    this.template = loadTemplate();
    this.clock = clock;
    this.policy = Objects.requireNonNull(policy, "policy");
    this.answerTokensPerPair = Math.max(0, answerTokensPerPair);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String model() {
    return options.model();
  }

  @Override
  public String promptVersion() {
    return PROMPT_VERSION;
  }

  @Override
  public int maxBatch() {
    return options.batchSize();
  }

  /** @return true when an API key was found in the environment */
  public boolean hasApiKey() {
    return apiKey != null;
  }

  /** @return the options in use */
  public OpenAiOptions options() {
    return options;
  }

  /** Closes the web client if this provider created it. */
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }

  @Override
  public Future<List<Verdict>> judge(List<EntityPair> pairs) {
    return judge(pairs, null);
  }

  /**
   * Judges a batch, tagging the first request with {@code callId} when {@link OpenAiOptions#storeCompletions()}
   * is on, so that {@link #recover} can find its answer after a crash.
   *
   * @param pairs at most {@link #maxBatch()} pairs
   * @param callId unique id of this call, or null
   * @return verdicts of the pairs the answer decided
   */
  public Future<List<Verdict>> judge(List<EntityPair> pairs, String callId) {
    if (pairs == null) {
      return Future.failedFuture(new NullPointerException("pairs"));
    }
    if (pairs.size() > options.batchSize()) {
      return Future.failedFuture(new IllegalArgumentException(
          "at most " + options.batchSize() + " pairs per call, got " + pairs.size()));
    }
    if (pairs.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<EntityPair> batch = List.copyOf(pairs);
    JsonArray messages = new JsonArray().add(message("user", renderPrompt(batch)));
    long expectedAnswer = (long) answerTokensPerPair * batch.size();
    return complete(messages, expectedAnswer, callId).compose(first -> {
      Parsed parsed = parse(first.content(), batch.size());
      if (parsed.error() == null) {
        return Future.succeededFuture(verdicts(batch, parsed.answers(), first.totalTokens()));
      }
      JsonArray repair = messages.copy()
          .add(message("assistant", first.content()))
          .add(message("user", repairInstruction(parsed.error(), batch.size())));
      return complete(repair, expectedAnswer, null).compose(second -> {
        Parsed again = parse(second.content(), batch.size());
        if (again.error() != null) {
          return Future.failedFuture(new UnparseableAnswerException(
              "answer unparseable after one repair attempt: " + again.error() + " (first: " + parsed.error() + ")",
              second.content(), first.content(), first.totalTokens() + second.totalTokens()));
        }
        return Future.succeededFuture(verdicts(batch, again.answers(), first.totalTokens() + second.totalTokens()));
      });
    });
  }

  /**
   * The chat-completions request body for a batch, exactly as a live call sends it first (used for batch-API
   * export, so batch and live answers are asked the same way).
   *
   * @param pairs the pairs, numbered from 1 in this order; at most {@link #maxBatch()}
   * @return the request body
   */
  public JsonObject requestBody(List<EntityPair> pairs) {
    return body(new JsonArray().add(message("user", renderPrompt(List.copyOf(pairs)))));
  }

  /**
   * Turns the body of a chat completion (a batch-API result line's {@code response.body}) into verdicts with the
   * same strict rules as a live answer; no repair is possible, so a broken answer fails.
   *
   * @param pairs the pairs the request asked, in its order
   * @param completionBody the chat-completion JSON text
   * @return verdicts of the pairs the answer decided
   * @throws UnparseableAnswerException when the body or its content breaks the rules
   */
  public List<Verdict> verdictsFromCompletion(List<EntityPair> pairs, String completionBody) {
    Completion completion = parseCompletion(completionBody);
    Parsed parsed = parse(completion.content(), pairs.size());
    if (parsed.error() != null) {
      throw new UnparseableAnswerException("answer unparseable: " + parsed.error(), completion.content(),
          completion.content(), completion.totalTokens());
    }
    return verdicts(List.copyOf(pairs), parsed.answers(), completion.totalTokens());
  }

  /**
   * Renders the prompt for a batch (public for logging and for tests).
   *
   * @param pairs the pairs, numbered from 1 in this order
   * @return the user message
   */
  public String renderPrompt(List<EntityPair> pairs) {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < pairs.size(); i++) {
      EntityPair p = pairs.get(i);
      lines.append(i + 1).append(". ").append(oneLine(p.source())).append(" -> ").append(oneLine(p.target()))
          .append('\n');
    }
    return template.replace("{{count}}", Integer.toString(pairs.size())).replace("{{pairs}}", lines.toString().strip());
  }

  private static String repairInstruction(String problem, int n) {
    return "Your previous answer could not be used: " + problem + ". Answer again with only the JSON object "
        + "{\"verdicts\":[{\"pair\":1,\"complementary\":true,\"confidence\":0.8,\"reason\":\"...\"}]} described above, "
        + "with \"pair\" numbers from 1 to " + n + ", a boolean \"complementary\", a number \"confidence\" from 0 to 1 "
        + "and a string \"reason\"; no other text.";
  }

  private List<Verdict> verdicts(List<EntityPair> batch, Map<Integer, Answer> answers, long totalTokens) {
    int n = batch.size();
    long base = totalTokens / n;
    long remainder = totalTokens % n;
    List<Verdict> result = new ArrayList<>(answers.size());
    for (int i = 0; i < n; i++) {
      Answer a = answers.get(i + 1);
      if (a == null) {
        continue;
      }
      long tokens = base + (i < remainder ? 1 : 0);
      EntityPair p = batch.get(i);
      result.add(new Verdict(p.source(), p.target(), a.complementary(), a.confidence(), a.reason(), NAME,
          options.model(), PROMPT_VERSION, (int) Math.min(Integer.MAX_VALUE, tokens)));
    }
    return result;
  }

  // ---------------------------------------------------------------- HTTP

  /** Message content (null content becomes "") and usage of one completion. */
  private record Completion(String content, long totalTokens) {
  }

  /**
   * Looks up the stored answer of a call made before a crash ({@code GET /chat/completions} filtered by its
   * {@code metadata.kerec_call}) and parses it like a live answer.
   *
   * @param pairs the pairs of the call, in its order
   * @param callId the call's id
   * @return the verdicts, or null when the provider has no stored answer for the call (ask again)
   */
  public Future<List<Verdict>> recover(List<EntityPair> pairs, String callId) {
    if (!options.storeCompletions() || callId == null) {
      return Future.succeededFuture(null);
    }
    var request = client.getAbs(options.endpoint()).timeout(options.timeoutMs())
        .addQueryParam("metadata[kerec_call]", callId).addQueryParam("limit", "1")
        .putHeader("Accept", "application/json");
    if (apiKey != null) {
      request.bearerTokenAuthentication(apiKey);
    }
    return request.send().compose(response -> {
      if (response.statusCode() / 100 != 2) {
        return Future.succeededFuture(null);
      }
      JsonObject list = response.bodyAsJsonObject();
      JsonArray data = list == null ? null : list.getJsonArray("data");
      if (data == null || data.isEmpty()) {
        return Future.succeededFuture(null);
      }
      try {
        return Future.succeededFuture(verdictsFromCompletion(pairs, data.getJsonObject(0).encode()));
      } catch (UnparseableAnswerException e) {
        return Future.succeededFuture(null);
      }
    }, failure -> Future.succeededFuture(null));
  }

  private Future<Completion> complete(JsonArray messages, long expectedAnswerTokens, String callId) {
    JsonObject body = body(messages);
    if (callId != null && options.storeCompletions()) {
      body.put("store", true).put("metadata", new JsonObject().put("kerec_call", callId));
    }
    long estimate = estimateTokens(messages) + expectedAnswerTokens;
    return policy.call(estimate, Completion::totalTokens, () -> send(body));
  }

  /** Prompt tokens of the messages, estimated at four characters a token plus four per message. */
  private static long estimateTokens(JsonArray messages) {
    long chars = 0;
    for (int i = 0; i < messages.size(); i++) {
      chars += messages.getJsonObject(i).getString("content", "").length() + 16;
    }
    return (chars + 3) / 4;
  }

  private JsonObject body(JsonArray messages) {
    JsonObject body = new JsonObject()
        .put("model", options.model())
        .put("messages", messages)
        .put("temperature", 0);
    if (options.jsonMode()) {
      body.put("response_format", new JsonObject().put("type", "json_object"));
    }
    return body;
  }

  private Future<Completion> send(JsonObject body) {
    var request = client.postAbs(options.endpoint())
        .timeout(options.timeoutMs())
        .putHeader("Accept", "application/json");
    if (apiKey != null) {
      request.bearerTokenAuthentication(apiKey);
    }
    return request.sendJsonObject(body)
        .recover(failure -> Future.failedFuture(new ProviderTransportException(
            "no answer from " + options.endpoint() + ": " + failure, failure)))
        .compose(this::completion);
  }

  private Future<Completion> completion(HttpResponse<Buffer> response) {
    String text = response.body() == null ? "" : response.body().toString(StandardCharsets.UTF_8);
    if (response.statusCode() / 100 != 2) {
      return Future.failedFuture(new ProviderHttpException(response.statusCode(),
          retryAfterMillis(response.getHeader("retry-after-ms"), response.getHeader("Retry-After"), clock), text,
          true));
    }
    try {
      return Future.succeededFuture(parseCompletion(text));
    } catch (UnparseableAnswerException e) {
      return Future.failedFuture(e);
    }
  }

  private static Completion parseCompletion(String text) {
    JsonNode root;
    try {
      root = STRICT.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UnparseableAnswerException("response body is not JSON: " + e.getOriginalMessage(), text, text);
    }
    JsonNode message = root == null ? null : root.path("choices").path(0).path("message");
    if (message == null || !message.isObject()) {
      throw new UnparseableAnswerException("response is not a chat completion (no choices[0].message)", text, text);
    }
    JsonNode content = message.get("content");
    String contentText = content == null || content.isNull() ? "" : content.isTextual() ? content.asText() : null;
    if (contentText == null) {
      throw new UnparseableAnswerException("choices[0].message.content is not a string", text, text);
    }
    JsonNode total = root.path("usage").path("total_tokens");
    long tokens = total.canConvertToLong() && total.asLong() > 0 ? total.asLong() : 0;
    return new Completion(contentText, tokens);
  }

  /**
   * Milliseconds to wait from {@code retry-after-ms} (sent by Azure OpenAI and others) or else {@code Retry-After}.
   *
   * @return milliseconds, or -1 when neither header is usable
   */
  static long retryAfterMillis(String millisHeader, String header, Clock clock) {
    if (millisHeader != null && !millisHeader.isBlank()) {
      try {
        double ms = Double.parseDouble(millisHeader.strip());
        if (ms >= 0 && ms < Long.MAX_VALUE) {
          return (long) Math.ceil(ms);
        }
      } catch (NumberFormatException ignored) {
        // fall back to Retry-After
      }
    }
    long seconds = retryAfterSeconds(header, clock);
    return seconds < 0 ? -1 : seconds * 1000;
  }

  /**
   * Parses a {@code Retry-After} header: delay in seconds or an HTTP date.
   *
   * @param header header value, may be null
   * @param clock clock to measure a date against
   * @return seconds to wait (at least 0), or -1 when absent or unparseable
   */
  static long retryAfterSeconds(String header, Clock clock) {
    if (header == null || header.isBlank()) {
      return -1;
    }
    String value = header.strip();
    if (value.chars().allMatch(Character::isDigit)) {
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    try {
      ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
      return Math.max(0, Duration.between(clock.instant(), at.toInstant()).toSeconds());
    } catch (DateTimeParseException e) {
      return -1;
    }
  }

  // ---------------------------------------------------------------- parsing

  /** One verdict of the model. */
  private record Answer(boolean complementary, double confidence, String reason) {
  }

  /** Either answers (error null) or the reason the content was rejected. */
  private record Parsed(Map<Integer, Answer> answers, String error) {
    static Parsed failed(String error) {
      return new Parsed(Map.of(), error);
    }
  }

  private static Parsed parse(String content, int n) {
    String json = stripFence(content.strip());
    if (json.isEmpty()) {
      return Parsed.failed("the answer was empty");
    }
    JsonNode root;
    try {
      root = STRICT.readTree(json);
    } catch (JsonProcessingException e) {
      return Parsed.failed("the answer was not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (root == null || !root.isObject()) {
      return Parsed.failed("the answer was not a JSON object");
    }
    JsonNode verdicts = root.get("verdicts");
    if (verdicts == null || !verdicts.isArray()) {
      return Parsed.failed("the object had no \"verdicts\" array");
    }
    Map<Integer, Answer> answers = new HashMap<>();
    for (int k = 0; k < verdicts.size(); k++) {
      JsonNode v = verdicts.get(k);
      String where = "verdicts[" + k + "]";
      if (!v.isObject()) {
        return Parsed.failed(where + " was not an object");
      }
      JsonNode pair = v.get("pair");
      if (pair == null || !pair.isIntegralNumber() || !pair.canConvertToInt()) {
        return Parsed.failed(where + ".pair was not an integer");
      }
      int number = pair.intValue();
      if (number < 1 || number > n) {
        return Parsed.failed(where + ".pair " + number + " was not between 1 and " + n);
      }
      JsonNode complementary = v.get("complementary");
      if (complementary == null || !complementary.isBoolean()) {
        return Parsed.failed(where + ".complementary was not true or false");
      }
      JsonNode confidence = v.get("confidence");
      if (confidence == null || !confidence.isNumber()) {
        return Parsed.failed(where + ".confidence was not a number");
      }
      double c = confidence.doubleValue();
      if (!(c >= 0.0 && c <= 1.0)) {
        return Parsed.failed(where + ".confidence " + confidence + " was not between 0 and 1");
      }
      JsonNode reason = v.get("reason");
      if (reason != null && !reason.isNull() && !reason.isTextual()) {
        return Parsed.failed(where + ".reason was not a string");
      }
      String reasonText = reason == null || reason.isNull() ? "" : reason.asText().strip();
      if (answers.put(number, new Answer(complementary.booleanValue(), c, reasonText)) != null) {
        return Parsed.failed("pair " + number + " was answered twice");
      }
    }
    return new Parsed(answers, null);
  }

  /** Removes one markdown code fence around the whole answer ("```json\n{...}\n```"), if there is exactly that. */
  private static String stripFence(String s) {
    if (!s.startsWith("```") || !s.endsWith("```") || s.length() < 6) {
      return s;
    }
    int firstNewline = s.indexOf('\n');
    if (firstNewline < 0) {
      return s;
    }
    String inner = s.substring(firstNewline + 1, s.length() - 3);
    return inner.contains("```") ? s : inner.strip();
  }

  // ---------------------------------------------------------------- helpers

  private static JsonObject message(String role, String content) {
    return new JsonObject().put("role", role).put("content", content);
  }

  private static String oneLine(String name) {
    return name.replaceAll("\\s+", " ").strip();
  }

  private static String loadTemplate() {
    ClassLoader loader = OpenAiVerdictProvider.class.getClassLoader();
    try (InputStream in = loader.getResourceAsStream(PROMPT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("prompt template missing from the class path: " + PROMPT_RESOURCE);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (!text.contains("{{pairs}}")) {
        throw new IllegalStateException("prompt template has no {{pairs}} placeholder: " + PROMPT_RESOURCE);
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + PROMPT_RESOURCE, e);
    }
  }
}
