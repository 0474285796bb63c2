package io.kerec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kerec train}: has a running engine train a new E-E-I model version from its purchase history now, shows
 * each epoch's loss and validation AUC as it ends, and prints the result (samples, model version, held-out AUC
 * against the edge weight alone) as JSON. The engine swaps the new model in without dropping requests.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a new rank model version on a running engine, with per-epoch progress.")
public final class TrainCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec
  CommandSpec spec;

  @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "Engine base URL (default: ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--timeout", defaultValue = "60", description = "Minutes to wait (default: ${DEFAULT-VALUE}).")
  int timeoutMinutes;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    CompletableFuture<HttpResponse<String>> training = http.sendAsync(
        HttpRequest.newBuilder(URI.create(base + "/v1/rank/train")).timeout(Duration.ofMinutes(timeoutMinutes))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    int shown = 0;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(timeoutMinutes);
    while (!training.isDone() && System.nanoTime() < deadline) {
      try {
        training.get(1, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException waiting) {
        shown = showEpochs(http, base, shown, err);
      }
    }
    if (!training.isDone()) {
      err.println("kerec train: no answer in " + timeoutMinutes + " minutes");
      return 1;
    }
    HttpResponse<String> response;
    try {
      response = training.get();
    } catch (java.util.concurrent.ExecutionException e) {
      err.println("kerec train: cannot reach " + base + ": " + e.getCause());
      return 1;
    }
    JsonNode body = JSON.readTree(response.body());
    JsonNode epochs = body.path("trainingEpochs");
    for (int i = shown; i < epochs.size(); i++) {
      err.println(epochLine(epochs.get(i)));
    }
    spec.commandLine().getOut().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
    spec.commandLine().getOut().flush();
    err.flush();
    return response.statusCode() == 200 ? 0 : 1;
  }

  private static int showEpochs(HttpClient http, String base, int shown, PrintWriter err) {
    try {
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health"))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      JsonNode epochs = JSON.readTree(health.body()).path("components").path("rank").path("details")
          .path("trainingEpochs");
      for (int i = shown; i < epochs.size(); i++) {
        err.println(epochLine(epochs.get(i)));
      }
      err.flush();
      return Math.max(shown, epochs.size());
    } catch (Exception e) {
      return shown;
    }
  }

  private static String epochLine(JsonNode e) {
    String member = e.path("members").asInt(1) > 1
        ? String.format(Locale.ROOT, "network %d/%d  ", e.path("member").asInt(), e.path("members").asInt()) : "";
    return String.format(Locale.ROOT, "%sepoch %d/%d  loss %.4f  validation AUC %s", member, e.path("epoch").asInt(),
        e.path("of").asInt(), e.path("loss").asDouble(),
        e.has("validationAuc") ? String.format(Locale.ROOT, "%.4f", e.path("validationAuc").asDouble()) : "-");
  }
}
