package io.kerec.judge;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A fixed list of directed pairs put to an LLM outside the engine (no queue, no database): what {@code kerec judge
 * score} uses to measure an LLM on a labeled yardstick, live or through the OpenAI Batch API.
 *
 * <p>The list is cut into requests of the provider's batch size, in list order, and every request is named
 * {@code <prefix>-<set>-<n>}, where {@code set} is a hash of the pairs and the batch size. An exported Batch input
 * file and its output therefore need no stored state: reading the output cuts the same list the same way, and a
 * line of another list or batch size is reported as unknown, never matched to the wrong pairs. Answers are parsed by
 * {@link OpenAiVerdictProvider} with the engine's strict rules; a request that fails or cannot be parsed leaves its
 * pairs unanswered, counted and listed, never guessed.
 */
public final class LlmPairList {
  private static final int MAX_LISTED = 20;

  private final List<EntityPair> pairs;
  private final int batchSize;
  private final String idPrefix;

  /**
   * What an LLM said about the list.
   *
   * @param verdicts the verdict of every pair it decided, in list order
   * @param pairs pairs in the list
   * @param requests requests the list was cut into
   * @param failedRequests requests that failed or whose answer broke the rules (their pairs have no verdict)
   * @param failedPairs pairs of those requests
   * @param abstained pairs a valid answer left out
   * @param unknownLines lines of a Batch output file that name no request of this list, or are not results
   * @param tokens tokens the answers reported
   * @param problems the first problems, request by request
   */
  public record Answers(Map<EntityPair, Verdict> verdicts, int pairs, int requests, int failedRequests,
                        int failedPairs, int abstained, int unknownLines, long tokens, List<String> problems) {
    /** @return the counts without the verdicts, for a report */
    public Map<String, Object> summary() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("pairs", pairs);
      m.put("requests", requests);
      m.put("answered", verdicts.size());
      m.put("complementary", verdicts.values().stream().filter(Verdict::complementary).count());
      m.put("abstained", abstained);
      m.put("failedRequests", failedRequests);
      m.put("failedPairs", failedPairs);
      m.put("unknownLines", unknownLines);
      m.put("tokens", tokens);
      m.put("problems", problems);
      return m;
    }
  }

  /**
   * @param pairs the pairs, in the order they are asked
   * @param batchSize pairs per request (the provider's {@link OpenAiVerdictProvider#maxBatch()})
   * @param idPrefix first part of every request's name, e.g. {@code yardstick}
   */
  public LlmPairList(List<EntityPair> pairs, int batchSize, String idPrefix) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1: " + batchSize);
    }
    if (idPrefix == null || !idPrefix.matches("[A-Za-z0-9_]+")) {
      throw new IllegalArgumentException("idPrefix must be letters, digits or _: " + idPrefix);
    }
    this.pairs = List.copyOf(pairs);
    this.batchSize = batchSize;
    this.idPrefix = idPrefix + "-" + setHash(this.pairs, batchSize);
  }

  /** @return how many requests the list is cut into */
  public int requests() {
    return (pairs.size() + batchSize - 1) / batchSize;
  }

  /** @return the name of request {@code n} (from 0) */
  public String requestId(int n) {
    return idPrefix + "-" + n;
  }

  /** @return the pairs of request {@code n} (from 0) */
  public List<EntityPair> requestPairs(int n) {
    return pairs.subList(n * batchSize, Math.min(pairs.size(), (n + 1) * batchSize));
  }

  /**
   * Writes the list as an OpenAI Batch API input file: one chat-completions request per line, the body a live call
   * sends first.
   *
   * @param provider builds the request bodies
   * @param out the file
   * @throws IOException when the file cannot be written
   */
  public void exportBatch(OpenAiVerdictProvider provider, Path out) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      for (int n = 0; n < requests(); n++) {
        JsonObject line = new JsonObject().put("custom_id", requestId(n)).put("method", "POST")
            .put("url", "/v1/chat/completions").put("body", provider.requestBody(requestPairs(n)));
        w.write(line.encode());
        w.write('\n');
      }
    }
  }

  /**
   * Reads a Batch API output file of {@link #exportBatch}'s requests. A request without a good result line leaves its
   * pairs unanswered (counted as failed); of two result lines for one request the first counts.
   *
   * @param provider parses the answers
   * @param in the output file
   * @return what the LLM said
   * @throws IOException when the file cannot be read
   */
  public Answers readBatchOutput(OpenAiVerdictProvider provider, Path in) throws IOException {
    Tally tally = new Tally();
    boolean[] done = new boolean[requests()];
    int number = 0;
    for (String line : Files.readAllLines(in, StandardCharsets.UTF_8)) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      BatchFiles.ResultLine result = BatchFiles.ResultLine.parse(line);
      int n = result.malformed() != null ? -1 : requestOf(result.customId());
      if (n < 0 || done[n]) {
        tally.unknownLines++;
        tally.note("line " + number + (n < 0 ? ": not a result line of this list's requests" : ": a second result"));
        continue;
      }
      done[n] = true;
      if (result.failure() != null) {
        tally.failed(requestPairs(n), requestId(n) + ": request failed: " + result.failure());
        continue;
      }
      try {
        tally.answered(requestPairs(n), provider.verdictsFromCompletion(requestPairs(n), result.body()));
      } catch (UnparseableAnswerException e) {
        tally.tokens += e.tokens();
        tally.failed(requestPairs(n), requestId(n) + ": " + e.getMessage());
      }
    }
    for (int n = 0; n < done.length; n++) {
      if (!done[n]) {
        tally.failed(requestPairs(n), requestId(n) + ": no result line");
      }
    }
    return tally.answers();
  }

  /**
   * Asks the LLM live, at most {@code inFlight} requests at a time, each through the provider's call policy
   * (throttle, retries, breaker). A request that still fails leaves its pairs unanswered; the future itself fails
   * only on a programming error.
   *
   * @param provider the LLM
   * @param inFlight most requests at once
   * @param progress told the pairs done (answered or failed) after each request
   * @return what the LLM said
   */
  public Future<Answers> judgeLive(OpenAiVerdictProvider provider, int inFlight, Consumer<Integer> progress) {
    Tally tally = new Tally();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger pairsDone = new AtomicInteger();
    List<Future<Void>> workers = new ArrayList<>();
    for (int w = 0; w < Math.max(1, Math.min(inFlight, requests())); w++) {
      Promise<Void> finished = Promise.promise();
      askNext(provider, next, pairsDone, tally, progress, finished);
      workers.add(finished.future());
    }
    return Future.all(workers).map(v -> tally.answers());
  }

  private void askNext(OpenAiVerdictProvider provider, AtomicInteger next, AtomicInteger pairsDone, Tally tally,
                       Consumer<Integer> progress, Promise<Void> finished) {
    int n = next.getAndIncrement();
    if (n >= requests()) {
      finished.complete();
      return;
    }
    List<EntityPair> asked = requestPairs(n);
    provider.judge(asked).onComplete(result -> {
      synchronized (tally) {
        if (result.succeeded()) {
          tally.answered(asked, result.result());
        } else {
          if (result.cause() instanceof UnparseableAnswerException e) {
            tally.tokens += e.tokens();
          }
          tally.failed(asked, requestId(n) + ": " + result.cause().getMessage());
        }
      }
      progress.accept(pairsDone.addAndGet(asked.size()));
      askNext(provider, next, pairsDone, tally, progress, finished);
    });
  }

  /** The request a result line's {@code custom_id} names, or -1 when it names none of this list's. */
  private int requestOf(String customId) {
    if (!customId.startsWith(idPrefix + "-")) {
      return -1;
    }
    try {
      int n = Integer.parseInt(customId.substring(idPrefix.length() + 1));
      return n >= 0 && n < requests() ? n : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String setHash(List<EntityPair> pairs, int batchSize) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(Integer.toString(batchSize).getBytes(StandardCharsets.UTF_8));
      for (EntityPair p : pairs) {
        sha.update(("\n" + p.source() + "\u2192" + p.target()).getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private final class Tally {
    final Map<EntityPair, Verdict> verdicts = new LinkedHashMap<>();
    int failedRequests;
    int failedPairs;
    int abstained;
    int unknownLines;
    long tokens;
    final List<String> problems = new ArrayList<>();

    void answered(List<EntityPair> asked, List<Verdict> answers) {
      for (Verdict v : answers) {
        verdicts.put(v.pair(), v);
        tokens += v.tokens();
      }
      abstained += asked.size() - answers.size();
    }

    void failed(List<EntityPair> asked, String problem) {
      failedRequests++;
      failedPairs += asked.size();
      note(problem);
    }

    void note(String problem) {
      if (problems.size() < MAX_LISTED) {
        problems.add(problem);
      }
    }

    Answers answers() {
      Map<EntityPair, Verdict> ordered = new LinkedHashMap<>();
      for (EntityPair p : pairs) {
        Verdict v = verdicts.get(p);
        if (v != null) {
          ordered.put(p, v);
        }
      }
      return new Answers(java.util.Collections.unmodifiableMap(ordered), pairs.size(), requests(), failedRequests,
          failedPairs, abstained, unknownLines, tokens, List.copyOf(problems));
    }
  }
}
