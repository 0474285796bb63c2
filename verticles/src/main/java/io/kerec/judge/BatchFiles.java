package io.kerec.judge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Files of the OpenAI Batch API: {@link #export} writes pending pairs as an input file (one chat-completions request
 * per line, the same body a live call sends, {@code custom_id} naming the exported request whose pairs the queue
 * remembers), and {@link #importResults} reads an output file into verdicts with the same strict parsing and the
 * same idempotent storage as live answers. Nothing is guessed: unknown ids, broken lines, failed requests and
 * unparseable answers are counted and listed in the report.
 */
public final class BatchFiles {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_LISTED = 20;

  private BatchFiles() {
  }

  /**
   * What an export wrote.
   *
   * @param requests lines written
   * @param pairs pairs in them
   * @param file the file
   */
  public record ExportReport(int requests, int pairs, String file) {
  }

  /**
   * What an import did.
   *
   * @param lines lines read
   * @param verdicts verdicts stored for the first time
   * @param complementary of which complementary
   * @param alreadyJudged answered lines whose pairs had all been imported or judged before
   * @param abstained pairs a valid answer left out (pending again)
   * @param unknownIds lines whose custom_id names no exported request
   * @param malformedLines lines that are not a Batch API result
   * @param failedRequests lines carrying an error or a non-200 status (their pairs are pending again)
   * @param unparseable lines whose answer broke the rules (their pairs are set aside as unparseable)
   * @param tokens tokens the answers reported
   * @param problems the first problems, line by line
   */
  public record ImportReport(int lines, int verdicts, int complementary, int alreadyJudged, int abstained,
                             int unknownIds, int malformedLines, int failedRequests, int unparseable, long tokens,
                             List<String> problems) {
  }

  /**
   * One line of a Batch API output file, read once: its {@code custom_id}, and either the chat-completion body
   * ({@code failure} null) or why the request failed. {@code malformed} says why the line is no result line at all
   * (not JSON, no {@code custom_id}); then the other fields are null.
   *
   * @param customId the request's name
   * @param body the chat-completion JSON text of a request that succeeded
   * @param failure the provider's error or the status of a request that failed
   * @param malformed why the line is not a result line
   */
  record ResultLine(String customId, String body, String failure, String malformed) {
    static ResultLine parse(String line) {
      JsonNode root;
      try {
        root = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        return new ResultLine(null, null, null, "not JSON (" + e.getOriginalMessage() + ")");
      }
      JsonNode customId = root == null ? null : root.get("custom_id");
      if (customId == null || !customId.isTextual()) {
        return new ResultLine(null, null, null, "no custom_id");
      }
      JsonNode error = root.get("error");
      JsonNode response = root.get("response");
      int status = response == null ? 0 : response.path("status_code").asInt(0);
      if ((error != null && !error.isNull()) || response == null || status != 200) {
        return new ResultLine(customId.asText(), null,
            error != null && !error.isNull() ? error.toString() : "status " + status, null);
      }
      return new ResultLine(customId.asText(), response.path("body").toString(), null, null);
    }
  }

  /**
   * Exports pending pairs and marks them exported.
   *
   * @param queue the queue
   * @param provider builds the request bodies
   * @param out the file to write
   * @param exportId unique name of the export (part of every custom_id)
   * @param limit most pairs
   * @return the report
   */
  public static Future<ExportReport> export(PairQueue queue, OpenAiVerdictProvider provider, Path out,
                                            String exportId, int limit) {
    return queue.export(exportId, limit, provider.maxBatch()).map(requests -> {
      int pairs = 0;
      try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
        for (PairQueue.Exported r : requests) {
          JsonObject line = new JsonObject()
              .put("custom_id", r.customId())
              .put("method", "POST")
              .put("url", "/v1/chat/completions")
              .put("body", provider.requestBody(r.pairs()));
          w.write(line.encode());
          w.write('\n');
          pairs += r.pairs().size();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + out, e);
      }
      return new ExportReport(requests.size(), pairs, out.toString());
    });
  }

  /**
   * Imports a Batch API output file. Run it again with the same file and nothing changes.
   *
   * @param queue the queue the pairs were exported from
   * @param provider parses the answers
   * @param in the output file
   * @param maxAbstentions after this many abstentions a pair is set aside
   * @return the report
   */
  public static Future<ImportReport> importResults(PairQueue queue, OpenAiVerdictProvider provider, Path in,
                                                   int maxAbstentions) {
    List<String> lines;
    try (BufferedReader r = Files.newBufferedReader(in, StandardCharsets.UTF_8)) {
      lines = r.lines().toList();
    } catch (IOException | UncheckedIOException e) {
      return Future.failedFuture(new UncheckedIOException("cannot read " + in,
          e instanceof IOException io ? io : ((UncheckedIOException) e).getCause()));
    }
    Tally tally = new Tally();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < lines.size(); i++) {
      int number = i + 1;
      String line = lines.get(i);
      chain = chain.compose(v -> importLine(queue, provider, number, line, maxAbstentions, tally));
    }
    return chain.map(v -> tally.report(lines.size()));
  }

  private static Future<Void> importLine(PairQueue queue, OpenAiVerdictProvider provider, int number, String line,
                                         int maxAbstentions, Tally tally) {
    if (line.isBlank()) {
      return Future.succeededFuture();
    }
    ResultLine result = ResultLine.parse(line);
    if (result.malformed() != null) {
      tally.malformed("line " + number + ": " + result.malformed());
      return Future.succeededFuture();
    }
    String id = result.customId();
    return queue.exported(id).compose(pairs -> {
      if (pairs.isEmpty()) {
        return queue.knownCustomId(id).map(known -> {
          if (known) {
            tally.alreadyJudged++;
          } else {
            tally.unknown("line " + number + ": unknown custom_id " + id);
          }
          return null;
        });
      }
      if (result.failure() != null) {
        tally.failed("line " + number + " (" + id + "): request failed: " + result.failure());
        return queue.unexport(id, "batch request failed").mapEmpty();
      }
      List<Verdict> verdicts;
      try {
        verdicts = provider.verdictsFromCompletion(pairs, result.body());
      } catch (UnparseableAnswerException e) {
        tally.unparseable("line " + number + " (" + id + "): " + e.getMessage());
        return queue.unparseable(pairs, e.getMessage(), e.rawAnswer(), e.tokens());
      }
      long tokens = verdicts.stream().mapToLong(Verdict::tokens).sum();
      tally.tokens += tokens;
      tally.abstained += pairs.size() - verdicts.size();
      return queue.complete(pairs, verdicts, tokens, maxAbstentions, 0).map(fresh -> {
        tally.verdicts += fresh.size();
        tally.complementary += (int) fresh.stream().filter(Verdict::complementary).count();
        if (fresh.isEmpty()) {
          tally.alreadyJudged++;
        }
        return null;
      });
    });
  }

  private static final class Tally {
    int verdicts;
    int complementary;
    int alreadyJudged;
    int abstained;
    int unknownIds;
    int malformedLines;
    int failedRequests;
    int unparseable;
    long tokens;
    final List<String> problems = new ArrayList<>();

    void malformed(String problem) {
      malformedLines++;
      note(problem);
    }

    void unknown(String problem) {
      unknownIds++;
      note(problem);
    }

    void failed(String problem) {
      failedRequests++;
      note(problem);
    }

    void unparseable(String problem) {
      unparseable++;
      note(problem);
    }

    private void note(String problem) {
      if (problems.size() < MAX_LISTED) {
        problems.add(problem);
      }
    }

    ImportReport report(int lines) {
      return new ImportReport(lines, verdicts, complementary, alreadyJudged, abstained, unknownIds, malformedLines,
          failedRequests, unparseable, tokens, List.copyOf(problems));
    }
  }

  /** @return the report as an ordered map, for JSON output */
  public static Map<String, Object> asMap(ImportReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("lines", r.lines());
    m.put("verdicts", r.verdicts());
    m.put("complementary", r.complementary());
    m.put("alreadyJudged", r.alreadyJudged());
    m.put("abstained", r.abstained());
    m.put("unknownIds", r.unknownIds());
    m.put("malformedLines", r.malformedLines());
    m.put("failedRequests", r.failedRequests());
    m.put("unparseable", r.unparseable());
    m.put("tokens", r.tokens());
    m.put("problems", r.problems());
    return m;
  }
}
