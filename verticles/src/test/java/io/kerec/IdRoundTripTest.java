package io.kerec;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.bus.Validation;
import io.kerec.engine.Engine;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ids are strings: every id {@code POST} accepts, {@code GET} serves, whatever it looks like (numbers with dots and
 * exponents, {@code true}, {@code null}, {@code -1}, unicode, percent-encoded slashes, 256 characters …), and 400
 * comes only for what the id contract refuses ({@link Validation#idProblem}): empty or blank, control characters,
 * lone surrogates, {@code .} and {@code ..}, over 256 characters.
 */
@Tag("e2e")
class IdRoundTripTest {
  private static final int GENERATED = 1_000;

  /** Valid ids: the families the issue names, then random strings from a hostile alphabet, 1,000 and more. */
  static List<String> validIds() {
    Set<String> ids = new LinkedHashSet<>(List.of("14286.0", "-1", "1e5", "1E-7", "0", "00", "-0", "+5", "0x1F",
        "NaN", "Infinity", "-Infinity", "1.5e+300", "true", "false", "null", "{}", "[]", "[1]", "{\"a\":1}",
        "\"quoted\"", "é", "日本語", "\uD83D\uDE00", "e\u0301", "שלום", "a\u200Bb", "\uFEFFbom", "a\u2028b",
        "a%2Fb", "%2F", "%2f%2e%2e", "a/b", "/", "a\\b", "%", "%zz", "a?b", "a#b", "a;b", "a b", " a", "a ", "+",
        "a+b", "&", "=", "..a", ".a", "a.", "...", "~", "*", "@", ":", "a:b", "'", "<script>", "%00", "%0A",
        "a".repeat(256), "\uD83D\uDE00".repeat(256), "é".repeat(256), "9".repeat(256), "/".repeat(256)));
    Random random = new Random(19);
    for (int i = 0; i < 300; i++) {
      StringBuilder number = new StringBuilder(random.nextBoolean() ? "-" : "");
      number.append(random.nextInt(100_000));
      if (random.nextBoolean()) {
        number.append('.').append(random.nextInt(1000));
      }
      if (random.nextInt(3) == 0) {
        number.append(random.nextBoolean() ? 'e' : 'E').append(random.nextBoolean() ? "-" : "+")
            .append(random.nextInt(400));
      }
      ids.add(number.toString());
    }
    int[] alphabet = "aZ09-._~!$&'()*+,;=:@/?#[]%\\\" {}|^`<>é日\u00A0\u200D".codePoints().toArray();
    int[] astral = {0x1F600, 0x1D11E, 0x10FFFD, 0xE0001};
    while (ids.size() < GENERATED + 20) {
      int length = 1 + (random.nextInt(5) == 0 ? random.nextInt(256) : random.nextInt(12));
      StringBuilder id = new StringBuilder();
      for (int i = 0; i < length; i++) {
        id.appendCodePoint(random.nextInt(10) == 0 ? astral[random.nextInt(astral.length)]
            : alphabet[random.nextInt(alphabet.length)]);
      }
      String s = id.toString();
      if (Validation.idProblem(s) == null) {
        ids.add(s);
      }
    }
    return new ArrayList<>(ids);
  }

  /** Ids the contract refuses. */
  static List<String> invalidIds() {
    return List.of("", " ", "\t", "   ", "a\nb", "a\u0000b", "\u007F", "a\u0085", "\u001B[31m", ".", "..",
        "a".repeat(257), "\uD83D\uDE00".repeat(257), "\uD800", "a\uDC00b", "\uDE00\uD83D");
  }

  /** Every UTF-8 byte but the unreserved ones percent-encoded, as a client puts an id in a path. */
  static String encode(String id) {
    StringBuilder out = new StringBuilder();
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xFF));
      }
    }
    return out.toString();
  }

  @Test
  void everyAcceptedIdIsServedAndOnlyTheContractRefuses(@TempDir Path data) {
    List<String> ids = validIds();
    assertThat(ids).hasSizeGreaterThanOrEqualTo(GENERATED);
    Vertx vertx = Engine.newVertx();
    Engine engine = TestEngines.start(vertx, TestEngines.config(data));
    WebClient http = WebClient.create(vertx);
    try {
      for (int from = 0; from < ids.size(); from += 250) {
        JsonArray items = new JsonArray();
        JsonArray events = new JsonArray();
        for (String id : ids.subList(from, Math.min(ids.size(), from + 250))) {
          items.add(new JsonObject().put("id", id).put("title", "ROSES REGENCY TEACUP"));
          events.add(new JsonObject().put("type", "purchase").put("userId", id).put("itemId", id)
              .put("ts", "2011-05-01T10:00:00Z"));
        }
        assertThat(post(engine, http, "/v1/items", items).statusCode()).isEqualTo(202);
        assertThat(post(engine, http, "/v1/events", events).statusCode()).isEqualTo(202);
      }
      int served = 0;
      for (String id : ids) {
        HttpResponse<Buffer> recs = get(engine, http, "/v1/users/" + encode(id) + "/recommendations");
        assertThat(recs.statusCode()).as("GET recommendations of user %s: %s", id, recs.bodyAsString()).isEqualTo(200);
        assertThat(recs.bodyAsJsonObject().getString("userId")).isEqualTo(id);
        HttpResponse<Buffer> item = get(engine, http, "/v1/items/" + encode(id));
        assertThat(item.statusCode()).as("GET item %s: %s", id, item.bodyAsString()).isEqualTo(200);
        assertThat(item.bodyAsJsonObject().getString("itemId")).isEqualTo(id);
        assertThat(item.bodyAsJsonObject().getLong("purchases")).as("item %s's purchase by user %s", id, id)
            .isEqualTo(1L);
        served++;
      }
      assertThat(get(engine, http, "/v1/users/14286.0/recommendations").statusCode()).isEqualTo(200);
      int refused = 0;
      for (String id : invalidIds()) {
        HttpResponse<Buffer> item = post(engine, http, "/v1/items",
            new JsonArray().add(new JsonObject().put("id", id).put("title", "ROSES REGENCY TEACUP")));
        assertThat(item.statusCode()).as("POST item %s", id).isEqualTo(400);
        assertThat(item.bodyAsJsonObject().getString("field")).isEqualTo("[0].id");
        HttpResponse<Buffer> event = post(engine, http, "/v1/events", new JsonArray().add(new JsonObject()
            .put("type", "purchase").put("userId", id).put("itemId", ids.get(0))));
        assertThat(event.statusCode()).as("POST event of user %s", id).isEqualTo(400);
        assertThat(event.bodyAsJsonObject().getString("field")).isEqualTo("[0].userId");
        boolean carried = !id.isEmpty() && !id.equals(".") && !id.equals("..") && id.codePoints()
            .noneMatch(c -> Character.isSurrogate((char) c) && c < 0x10000);
        if (carried) { // a path can carry it: GET refuses it too
          HttpResponse<Buffer> recs = get(engine, http, "/v1/users/" + encode(id) + "/recommendations");
          assertThat(recs.statusCode()).as("GET recommendations of %s", id).isEqualTo(400);
          assertThat(recs.bodyAsJsonObject().getString("field")).isEqualTo("userId");
        }
        refused++;
      }
      System.out.println("ids: " + served + " accepted by POST and served by GET, " + refused
          + " refused with 400 as the contract says");
    } finally {
      await(engine.stop());
      await(vertx.close());
    }
  }

  private static HttpResponse<Buffer> post(Engine engine, WebClient http, String path, JsonArray body) {
    return await(http.post(engine.httpPort(), "127.0.0.1", path).putHeader("content-type", "application/json")
        .sendBuffer(body.toBuffer()));
  }

  private static HttpResponse<Buffer> get(Engine engine, WebClient http, String path) {
    return await(http.get(engine.httpPort(), "127.0.0.1", path).send());
  }
}
