package io.kerec.judge;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.config.LlmOptions;
import io.kerec.config.OpenAiOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fixed list of pairs put to an LLM outside the engine: live against a local OpenAI-compatible server standing
 * in for the remote provider, and through Batch API files. Every verdict must be the one the server gave for that
 * pair, and a request that fails must leave exactly its pairs unanswered, counted.
 */
class LlmPairListTest {
  /** 23 pairs: three requests of 10, 10 and 3. */
  private static final List<EntityPair> PAIRS = IntStream.range(0, 23)
      .mapToObj(i -> new EntityPair("source " + i, "target " + (i * 7 % 23))).toList();

  @TempDir
  Path dir;

  private Vertx vertx;
  private HttpServer server;
  private final List<List<EntityPair>> asked = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    // answers as the provider simulator does, except that it leaves out "source 4" and answers prose to any
    // request holding "source 12" (first answer and repair alike)
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(buf -> {
      JsonArray messages = buf.toJsonObject().getJsonArray("messages");
      List<EntityPair> pairs = ProviderSimulator.pairs(messages.getJsonObject(0).getString("content"));
      asked.add(pairs);
      JsonObject body = ProviderSimulator.completionBody(pairs, messages, p -> p.source().equals("source 4"));
      if (pairs.contains(new EntityPair("source 12", "target " + (12 * 7 % 23)))) {
        body.getJsonArray("choices").getJsonObject(0).getJsonObject("message")
            .put("content", "Sure! All of them go together.");
      }
      req.response().putHeader("Content-Type", "application/json").end(body.encode());
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private OpenAiOptions options() {
    return new OpenAiOptions("http://127.0.0.1:" + server.actualPort() + "/v1", "model-x", null, 5_000, 10, true);
  }

  @Test
  void liveAnswersAreTheServersAndAFailedRequestLeavesOnlyItsPairsUnanswered() throws Exception {
    LlmOptions llm = LlmOptions.defaults();
    LlmCallPolicy policy = new LlmCallPolicy(vertx, llm, 100_000, new SimpleMeterRegistry(), "openai");
    OpenAiVerdictProvider provider = new OpenAiVerdictProvider(vertx, options(), policy, 30, 4);
    LlmPairList list = new LlmPairList(PAIRS, provider.maxBatch(), "yardstick");
    List<Integer> progress = new CopyOnWriteArrayList<>();

    LlmPairList.Answers answers = list.judgeLive(provider, 2, progress::add)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    assertThat(list.requests()).isEqualTo(3);
    // the request with source 12 (pairs 10..19) fails after its one repair; source 4 is left out
    assertThat(answers.failedRequests()).isEqualTo(1);
    assertThat(answers.failedPairs()).isEqualTo(10);
    assertThat(answers.abstained()).isEqualTo(1);
    assertThat(answers.verdicts()).hasSize(23 - 10 - 1);
    for (int i = 0; i < PAIRS.size(); i++) {
      EntityPair p = PAIRS.get(i);
      Verdict v = answers.verdicts().get(p);
      if (i == 4 || (i >= 10 && i < 20)) {
        assertThat(v).as(p.toString()).isNull();
        continue;
      }
      ProviderSimulator.Answer expected = ProviderSimulator.answer(p);
      assertThat(v.complementary()).as(p.toString()).isEqualTo(expected.complementary());
      assertThat(v.confidence()).isEqualTo(expected.confidence());
      assertThat(v.reason()).isEqualTo(expected.reason());
      assertThat(v.provider()).isEqualTo("openai");
      assertThat(v.model()).isEqualTo("model-x");
    }
    assertThat(answers.problems()).singleElement().asString().contains(list.requestId(1)).contains("unparseable");
    assertThat(answers.tokens()).isPositive();
    assertThat(progress).hasSize(3).contains(23);
    // three requests and the failing one's repair: nothing asked twice but that
    assertThat(asked).hasSize(4);
  }

  @Test
  void batchFilesRoundTripAndForeignOrFailedLinesAreCountedNotGuessed() throws Exception {
    OpenAiVerdictProvider provider = new OpenAiVerdictProvider(WebClient.create(vertx), options(), k -> null);
    LlmPairList list = new LlmPairList(PAIRS, 10, "yardstick");
    Path input = dir.resolve("input.jsonl");
    list.exportBatch(provider, input);

    List<String> requests = Files.readAllLines(input);
    assertThat(requests).hasSize(3);
    List<String> output = new ArrayList<>();
    for (int n = 0; n < requests.size(); n++) {
      JsonObject request = new JsonObject(requests.get(n));
      assertThat(request.getString("custom_id")).isEqualTo(list.requestId(n));
      assertThat(request.getString("url")).isEqualTo("/v1/chat/completions");
      JsonObject body = request.getJsonObject("body");
      assertThat(body).isEqualTo(provider.requestBody(list.requestPairs(n)));
      List<EntityPair> pairs = ProviderSimulator.pairs(body.getJsonArray("messages").getJsonObject(0)
          .getString("content"));
      assertThat(pairs).isEqualTo(list.requestPairs(n));
      if (n == 1) {
        // the provider failed this one
        output.add(new JsonObject().put("custom_id", list.requestId(n)).put("response", new JsonObject()
            .put("status_code", 500).put("body", new JsonObject())).encode());
        continue;
      }
      output.add(new JsonObject().put("custom_id", list.requestId(n)).put("response", new JsonObject()
          .put("status_code", 200).put("body", ProviderSimulator.completionBody(pairs,
              body.getJsonArray("messages")))).put("error", (Object) null).encode());
    }
    // a line of the same pairs cut into requests of another size, and a line that is not JSON
    output.add(0, new JsonObject().put("custom_id", new LlmPairList(PAIRS, 20, "yardstick").requestId(0))
        .put("response", new JsonObject().put("status_code", 200)).encode());
    output.add("not json");
    Path results = dir.resolve("output.jsonl");
    Files.write(results, output);

    LlmPairList.Answers answers = list.readBatchOutput(provider, results);

    assertThat(answers.unknownLines()).isEqualTo(2);
    assertThat(answers.failedRequests()).isEqualTo(1);
    assertThat(answers.failedPairs()).isEqualTo(10);
    assertThat(answers.abstained()).isZero();
    assertThat(answers.verdicts()).hasSize(13);
    for (EntityPair p : list.requestPairs(2)) {
      assertThat(answers.verdicts().get(p).complementary()).isEqualTo(ProviderSimulator.answer(p).complementary());
    }
    assertThat(answers.verdicts()).doesNotContainKeys(list.requestPairs(1).toArray(EntityPair[]::new));
    assertThat(new LlmPairList(PAIRS, 10, "yardstick").requestId(2)).isEqualTo(list.requestId(2));
    assertThat(new LlmPairList(PAIRS.subList(1, 23), 10, "yardstick").requestId(0)).isNotEqualTo(list.requestId(0));
  }
}
