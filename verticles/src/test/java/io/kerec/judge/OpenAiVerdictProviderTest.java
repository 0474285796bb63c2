package io.kerec.judge;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.config.OpenAiOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs the provider against a real local Vert.x HTTP server that plays scripted answers. */
@ExtendWith(VertxExtension.class)
class OpenAiVerdictProviderTest {
  private static final List<EntityPair> PAIRS = List.of(
      new EntityPair("teacup", "saucer"),
      new EntityPair("tent", "camping tent"),
      new EntityPair("cake stand", "cake case"));
  private static final String VALID = "{\"verdicts\":["
      + "{\"pair\":1,\"complementary\":true,\"confidence\":0.8,\"reason\":\"saucer goes under the cup\"},"
      + "{\"pair\":2,\"complementary\":false,\"confidence\":0.9,\"reason\":\"substitute\"},"
      + "{\"pair\":3,\"complementary\":true,\"confidence\":0.6,\"reason\":\"cases for the cakes\"}]}";

  /** One scripted HTTP answer; {@code hang} never answers. */
  private record Scripted(int status, Map<String, String> headers, String body, boolean hang) {
    static Scripted ok(String content, long totalTokens) {
      return new Scripted(200, Map.of("Content-Type", "application/json"), completion(content, totalTokens), false);
    }
  }

  /** What the server received. */
  private record Received(String path, String authorization, JsonObject body) {
  }

  private final Queue<Scripted> script = new ConcurrentLinkedQueue<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private WebClient client;
  private int port;

  @BeforeEach
  void startServer(Vertx vertx, VertxTestContext ctx) {
    client = WebClient.create(vertx);
    vertx.createHttpServer()
        .requestHandler(req -> req.body().onSuccess(buf -> {
          received.add(new Received(req.path(), req.getHeader("Authorization"), buf.toJsonObject()));
          Scripted s = script.poll();
          if (s == null) {
            req.response().setStatusCode(599).end("script exhausted");
            return;
          }
          if (s.hang()) {
            return;
          }
          var response = req.response().setStatusCode(s.status());
          s.headers().forEach(response::putHeader);
          response.end(s.body());
        }))
        .listen(0)
        .onComplete(ctx.succeeding(server -> {
          port = server.actualPort();
          ctx.completeNow();
        }));
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  private OpenAiOptions options(boolean jsonMode, long timeoutMs) {
    return new OpenAiOptions("http://localhost:" + port + "/v1/", "test-model", "KEREC_TEST_KEY", timeoutMs, 3,
        jsonMode);
  }

  private OpenAiVerdictProvider provider() {
    return new OpenAiVerdictProvider(client, options(true, 5_000),
        name -> name.equals("KEREC_TEST_KEY") ? "sk-test" : null);
  }

  static String completion(String content, long totalTokens) {
    return new JsonObject()
        .put("id", "chatcmpl-1")
        .put("object", "chat.completion")
        .put("model", "test-model")
        .put("choices", new JsonArray().add(new JsonObject()
            .put("index", 0)
            .put("message", new JsonObject().put("role", "assistant").put("content", content))
            .put("finish_reason", "stop")))
        .put("usage", new JsonObject().put("prompt_tokens", totalTokens / 2).put("completion_tokens",
            totalTokens - totalTokens / 2).put("total_tokens", totalTokens))
        .encode();
  }

  @Test
  void validAnswer(VertxTestContext ctx) {
    script.add(Scripted.ok(VALID, 90));
    provider().judge(PAIRS).onComplete(ctx.succeeding(verdicts -> ctx.verify(() -> {
      assertThat(verdicts).containsExactly(
          new Verdict("teacup", "saucer", true, 0.8, "saucer goes under the cup", "openai", "test-model",
              "complementary-v1", 30),
          new Verdict("tent", "camping tent", false, 0.9, "substitute", "openai", "test-model",
              "complementary-v1", 30),
          new Verdict("cake stand", "cake case", true, 0.6, "cases for the cakes", "openai", "test-model",
              "complementary-v1", 30));
      assertThat(received).hasSize(1);
      Received r = received.get(0);
      assertThat(r.path()).isEqualTo("/v1/chat/completions");
      assertThat(r.authorization()).isEqualTo("Bearer sk-test");
      assertThat(r.body().getString("model")).isEqualTo("test-model");
      assertThat(r.body().getInteger("temperature")).isZero();
      assertThat(r.body().getJsonObject("response_format")).isEqualTo(new JsonObject().put("type", "json_object"));
      JsonArray messages = r.body().getJsonArray("messages");
      assertThat(messages).hasSize(1);
      String prompt = messages.getJsonObject(0).getString("content");
      assertThat(messages.getJsonObject(0).getString("role")).isEqualTo("user");
      assertThat(prompt).contains("1. teacup -> saucer\n2. tent -> camping tent\n3. cake stand -> cake case")
          .contains("{\"verdicts\":[{\"pair\":1,\"complementary\":true,\"confidence\":0.8,\"reason\":\"...\"}]}")
          .contains("Below are 3 numbered directed pairs")
          .doesNotContain("{{");
      ctx.completeNow();
    })));
  }

  @Test
  void malformedThenValidIsRepairedOnce(VertxTestContext ctx) {
    String chatty = "Sure! Teacups go with saucers, tents are not camping tents.";
    script.add(Scripted.ok(chatty, 50));
    script.add(Scripted.ok("{\"verdicts\":[{\"pair\":1,\"complementary\":true,\"confidence\":0.7,\"reason\":\"r\"},"
        + "{\"pair\":2,\"complementary\":false,\"confidence\":0.95,\"reason\":\"same thing\"}]}", 40));
    provider().judge(PAIRS.subList(0, 2)).onComplete(ctx.succeeding(verdicts -> ctx.verify(() -> {
      assertThat(verdicts).extracting(Verdict::complementary).containsExactly(true, false);
      assertThat(verdicts).extracting(Verdict::tokens).containsExactly(45, 45);   // (50 + 40) / 2
      assertThat(received).hasSize(2);
      JsonArray repair = received.get(1).body().getJsonArray("messages");
      assertThat(repair).hasSize(3);
      assertThat(repair.getJsonObject(0)).isEqualTo(received.get(0).body().getJsonArray("messages").getJsonObject(0));
      assertThat(repair.getJsonObject(1).getString("role")).isEqualTo("assistant");
      assertThat(repair.getJsonObject(1).getString("content")).isEqualTo(chatty);
      assertThat(repair.getJsonObject(2).getString("role")).isEqualTo("user");
      assertThat(repair.getJsonObject(2).getString("content"))
          .startsWith("Your previous answer could not be used: the answer was not valid JSON")
          .contains("from 1 to 2");
      ctx.completeNow();
    })));
  }

  @Test
  void malformedTwiceFailsWithTheRawAnswers(VertxTestContext ctx) {
    String first = "```json\n{\"verdicts\":[{\"pair\":1,\"complementary\":\"yes\",\"confidence\":0.8}]}\n```";
    String second = "{\"verdicts\":[{\"pair\":1,\"complementary\":true,\"confidence\":1.7,\"reason\":\"sure\"}]}";
    script.add(Scripted.ok(first, 50));
    script.add(Scripted.ok(second, 50));
    provider().judge(PAIRS).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(UnparseableAnswerException.class);
      UnparseableAnswerException e = (UnparseableAnswerException) err;
      assertThat(e.rawAnswer()).isEqualTo(second);
      assertThat(e.firstAnswer()).isEqualTo(first);
      assertThat(e.getMessage()).contains("confidence 1.7 was not between 0 and 1")
          .contains("complementary was not true or false");
      assertThat(received).hasSize(2);
      ctx.completeNow();
    })));
  }

  @Test
  void trailingProseAfterTheJsonIsMalformed(VertxTestContext ctx) {
    script.add(Scripted.ok(VALID + "\nHope this helps!", 30));
    script.add(Scripted.ok(VALID, 30));
    provider().judge(PAIRS).onComplete(ctx.succeeding(verdicts -> ctx.verify(() -> {
      assertThat(received).hasSize(2);
      assertThat(verdicts).hasSize(3);
      assertThat(verdicts).extracting(Verdict::tokens).containsOnly(20);
      ctx.completeNow();
    })));
  }

  @Test
  void tooManyRequestsCarriesRetryAfter(VertxTestContext ctx) {
    String body = "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}";
    script.add(new Scripted(429, Map.of("Retry-After", "7"), body, false));
    provider().judge(PAIRS).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(ProviderHttpException.class);
      ProviderHttpException e = (ProviderHttpException) err;
      assertThat(e.status()).isEqualTo(429);
      assertThat(e.retryAfterSeconds()).isEqualTo(7);
      assertThat(e.hasRetryAfter()).isTrue();
      assertThat(e.retryable()).isTrue();
      assertThat(e.body()).isEqualTo(body);
      assertThat(received).hasSize(1);   // no retry of HTTP failures inside the provider
      ctx.completeNow();
    })));
  }

  @Test
  void serverErrorWithoutRetryAfter(VertxTestContext ctx) {
    script.add(new Scripted(500, Map.of(), "upstream exploded", false));
    provider().judge(PAIRS).onComplete(ctx.failing(err -> ctx.verify(() -> {
      ProviderHttpException e = (ProviderHttpException) err;
      assertThat(e.status()).isEqualTo(500);
      assertThat(e.retryAfterSeconds()).isEqualTo(-1);
      assertThat(e.body()).isEqualTo("upstream exploded");
      ctx.completeNow();
    })));
  }

  @Test
  void missingPairIsOmittedAndTokensAreSplitOverAllPairs(VertxTestContext ctx) {
    script.add(Scripted.ok("{\"verdicts\":[{\"pair\":3,\"complementary\":true,\"confidence\":0.5,\"reason\":\"c\"},"
        + "{\"pair\":1,\"complementary\":false,\"confidence\":0.4,\"reason\":\"a\"}]}", 100));
    provider().judge(PAIRS).onComplete(ctx.succeeding(verdicts -> ctx.verify(() -> {
      assertThat(verdicts).extracting(Verdict::pair).containsExactly(PAIRS.get(0), PAIRS.get(2));
      assertThat(verdicts).extracting(Verdict::tokens).containsExactly(34, 33);   // 100 = 34 + 33 + 33
      assertThat(received).hasSize(1);
      ctx.completeNow();
    })));
  }

  @Test
  void pairNumberOutOfRangeOrRepeatedTriggersRepair(VertxTestContext ctx) {
    script.add(Scripted.ok("{\"verdicts\":[{\"pair\":4,\"complementary\":true,\"confidence\":0.5,\"reason\":\"x\"}]}",
        10));
    script.add(Scripted.ok("{\"verdicts\":[{\"pair\":1,\"complementary\":true,\"confidence\":0.5,\"reason\":\"x\"},"
        + "{\"pair\":1,\"complementary\":false,\"confidence\":0.5,\"reason\":\"y\"}]}", 10));
    provider().judge(PAIRS).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(UnparseableAnswerException.class)
          .hasMessageContaining("pair 1 was answered twice")
          .hasMessageContaining("pair 4 was not between 1 and 3");
      ctx.completeNow();
    })));
  }

  @Test
  void fencedJsonWithoutJsonModeOrKey(VertxTestContext ctx) {
    script.add(Scripted.ok("```json\n" + VALID + "\n```", 0));
    OpenAiVerdictProvider noKey = new OpenAiVerdictProvider(client, options(false, 5_000), name -> null);
    assertThat(noKey.hasApiKey()).isFalse();
    noKey.judge(PAIRS).onComplete(ctx.succeeding(verdicts -> ctx.verify(() -> {
      assertThat(verdicts).hasSize(3);
      assertThat(verdicts).extracting(Verdict::tokens).containsOnly(0);
      assertThat(received.get(0).authorization()).isNull();
      assertThat(received.get(0).body().containsKey("response_format")).isFalse();
      ctx.completeNow();
    })));
  }

  @Test
  void bodyThatIsNotAChatCompletionFailsWithoutRepair(VertxTestContext ctx) {
    script.add(new Scripted(200, Map.of("Content-Type", "text/html"), "<html>proxy login</html>", false));
    provider().judge(PAIRS).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(UnparseableAnswerException.class);
      assertThat(((UnparseableAnswerException) err).rawAnswer()).isEqualTo("<html>proxy login</html>");
      assertThat(received).hasSize(1);
      ctx.completeNow();
    })));
  }

  @Test
  void timeoutIsATransportFailure(VertxTestContext ctx) {
    script.add(new Scripted(200, Map.of(), "", true));
    OpenAiVerdictProvider impatient = new OpenAiVerdictProvider(client, options(true, 300), name -> "k");
    impatient.judge(PAIRS).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(ProviderTransportException.class).hasMessageContaining("/v1/chat/completions");
      ctx.completeNow();
    })));
  }

  @Test
  void batchLimitsAreCheckedBeforeAnyRequest(VertxTestContext ctx) {
    OpenAiVerdictProvider p = provider();
    assertThat(p.maxBatch()).isEqualTo(3);
    assertThat(p.name()).isEqualTo("openai");
    assertThat(p.promptVersion()).isEqualTo("complementary-v1");
    List<EntityPair> four = new ArrayList<>(PAIRS);
    four.add(new EntityPair("mug", "coaster"));
    p.judge(four).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(IllegalArgumentException.class);
      p.judge(List.of()).onComplete(ctx.succeeding(none -> ctx.verify(() -> {
        assertThat(none).isEmpty();
        assertThat(received).isEmpty();
        ctx.completeNow();
      })));
    })));
  }

  @Test
  void retryAfterAcceptsSecondsAndHttpDates() {
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    assertThat(OpenAiVerdictProvider.retryAfterSeconds("12", clock)).isEqualTo(12);
    assertThat(OpenAiVerdictProvider.retryAfterSeconds(" 0 ", clock)).isZero();
    assertThat(OpenAiVerdictProvider.retryAfterSeconds("Thu, 01 Jan 2026 00:01:30 GMT", clock)).isEqualTo(90);
    assertThat(OpenAiVerdictProvider.retryAfterSeconds("Wed, 31 Dec 2025 23:00:00 GMT", clock)).isZero();
    assertThat(OpenAiVerdictProvider.retryAfterSeconds("soon", clock)).isEqualTo(-1);
    assertThat(OpenAiVerdictProvider.retryAfterSeconds(null, clock)).isEqualTo(-1);
  }

  @Test
  void optionsNormaliseTheBaseUrl() {
    assertThat(options(true, 1).endpoint()).isEqualTo("http://localhost:" + port + "/v1/chat/completions");
    assertThat(OpenAiOptions.defaults().endpoint()).isEqualTo("https://api.openai.com/v1/chat/completions");
  }
}
