package io.kerec;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.engine.Engine;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated requests against every route — valid batches, mutated ones, malformed and oversized bodies, hostile
 * paths, parameters, methods and headers (Content-Type, Origin, Authorization, Upgrade) — on the keyless default:
 * no answer is a 5xx, and PostgreSQL holds exactly what the 202s accepted: every item or event row a request
 * carried is there if and only if that request got 202 (each request marks its rows with its own number).
 */
@Tag("e2e")
class ApiFuzzTest {
  private static final int REQUESTS = Integer.getInteger("kerec.fuzz.requests", 3_000);
  private static final String[] SEEDS = {"seed-1", "seed-2", "seed-3"};
  private static final String[] CONTENT_TYPES = {"text/plain", "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x", "application/json; charset=utf-16", "APPLICATION/JSON", "", "json",
      "application/json;;;", "application/problem+json", "*/*", "application/json; boundary=\u00ff"};
  private static final String[] ORIGINS = {"http://evil.example", "null", "file://", "http://127.0.0.1",
      "https://127.0.0.1:1", "\u00ff\u00fe"};
  private static final String[] WORDS = {"ROSES", "REGENCY", "TEACUP", "SAUCER", "CAKE", "STAND", "CASES", "é", "日本"};

  private final Random random = new Random(1919);
  private int marker;

  @Test
  void noRequestGetsA5xxAndOnlyAcceptedOnesAreStored(@TempDir Path data) {
    Vertx vertx = Engine.newVertx();
    Engine engine = TestEngines.start(vertx, TestEngines.config(data));
    WebClient http = WebClient.create(vertx);
    Pool pg = PgBuilder.pool().connectingTo(engine.postgres()).using(vertx).build();
    try {
      JsonArray seeds = new JsonArray();
      for (String seed : SEEDS) {
        seeds.add(new JsonObject().put("id", seed).put("title", "ROSES REGENCY TEACUP"));
      }
      assertThat(await(http.post(engine.httpPort(), "127.0.0.1", "/v1/items")
          .putHeader("content-type", "application/json").sendBuffer(seeds.toBuffer())).statusCode()).isEqualTo(202);
      Set<String> itemsBefore = ids(pg, "SELECT item_id FROM items");
      Set<String> acceptedItemIds = new HashSet<>();
      long eventsBefore = count(pg, "SELECT count(*) FROM events");

      Map<Integer, Integer> statuses = new TreeMap<>();
      Set<Integer> acceptedRequests = new HashSet<>();
      long acceptedItems = 0;
      long acceptedEvents = 0;
      Map<String, Integer> byRoute = new TreeMap<>();
      long started = System.nanoTime();
      for (int n = 0; n < REQUESTS; n++) {
        Request request = request(n, engine.httpPort());
        HttpRequest<Buffer> call = http.request(request.method, engine.httpPort(), "127.0.0.1", request.path);
        request.headers.forEach(call::putHeader);
        call.timeout(20_000);
        HttpResponse<Buffer> response = await((request.body == null ? call.send() : call.sendBuffer(request.body))
            .recover(e -> io.vertx.core.Future.failedFuture(new AssertionError("no answer to " + request.method + " "
                + request.path + " " + request.headers + " body " + (request.body == null ? "none"
                : request.body.length() + " bytes"), e))));
        int status = response.statusCode();
        statuses.merge(status, 1, Integer::sum);
        byRoute.merge(request.route, 1, Integer::sum);
        assertThat(status).as("%s %s %s -> %s", request.method, request.path, request.headers,
            response.bodyAsString()).isLessThan(500);
        if (status >= 400 && !request.method.equals(HttpMethod.HEAD)) {
          assertThat(response.getHeader("content-type")).as("%s %s %s -> %d %s", request.method, request.path,
                  request.headers, status, response.bodyAsString())
              .startsWith("application/json");
          assertThat(response.bodyAsJsonObject().getString("error")).isNotBlank();
        }
        if (status == 202) {
          acceptedRequests.add(n);
          long accepted = response.bodyAsJsonObject().getLong("accepted");
          if (request.path.equals("/v1/items")) {
            acceptedItems += accepted;
            new JsonArray(request.body).forEach(item -> acceptedItemIds.add(((JsonObject) item).getString("id")));
          } else {
            acceptedEvents += accepted;
          }
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;

      Map<String, Set<Integer>> stored = new HashMap<>();
      stored.put("items", numbers(pg, "SELECT item_id FROM items WHERE item_id LIKE 'fz%'"));
      stored.put("events", numbers(pg, "SELECT user_id FROM events WHERE user_id LIKE 'fz%'"));
      stored.forEach((table, requests) -> assertThat(acceptedRequests)
          .as("every request with rows in %s was answered 202", table).containsAll(requests));
      Set<String> added = ids(pg, "SELECT item_id FROM items");
      added.removeAll(itemsBefore);
      acceptedItemIds.removeAll(itemsBefore);
      assertThat(added).as("the items added are those of the accepted requests").isEqualTo(acceptedItemIds);
      assertThat(count(pg, "SELECT count(*) FROM events") - eventsBefore).as("event rows added")
          .isEqualTo(acceptedEvents);
      System.out.printf("fuzz: %d requests in %.1f s, statuses %s, routes %s; %d accepted (%d items, %d events"
          + " accepted), no 5xx, nothing stored from a refused request%n", REQUESTS, seconds, statuses, byRoute,
          acceptedRequests.size(), acceptedItems, acceptedEvents);
      assertThat(statuses.keySet()).as("both accepted and refused requests were made").contains(202, 400, 415);
    } finally {
      await(pg.close());
      await(engine.stop());
      await(vertx.close());
    }
  }

  private static long count(Pool pg, String sql) {
    return await(pg.query(sql).execute()).iterator().next().getLong(0);
  }

  private static Set<String> ids(Pool pg, String sql) {
    Set<String> out = new HashSet<>();
    for (Row row : await(pg.query(sql).execute())) {
      out.add(row.getString(0));
    }
    return out;
  }

  /** The request numbers in the marked ids a query returns ({@code fz<n>-...}). */
  private static Set<Integer> numbers(Pool pg, String sql) {
    Set<Integer> out = new HashSet<>();
    for (Row row : await(pg.query(sql).execute())) {
      String id = row.getString(0);
      out.add(Integer.parseInt(id.substring(2, id.indexOf('-'))));
    }
    return out;
  }

  private record Request(String route, HttpMethod method, String path, Map<String, String> headers, Buffer body) {
  }

  private static final HttpMethod[] METHODS = {HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE,
      HttpMethod.PATCH, HttpMethod.OPTIONS, HttpMethod.HEAD};

  private Request request(int n, int port) {
    Map<String, String> headers = new HashMap<>();
    int kind = random.nextInt(100);
    String route;
    HttpMethod method;
    String path;
    Buffer body = null;
    if (kind < 55) {
      boolean items = random.nextBoolean();
      route = items ? "POST /v1/items" : "POST /v1/events";
      method = HttpMethod.POST;
      path = items ? "/v1/items" : "/v1/events";
      body = body(n, items);
      headers.put("content-type", random.nextInt(10) < 7 ? "application/json"
          : CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)]);
    } else if (kind < 85) {
      String[] gets = {"/v1/users/%s/recommendations?k=%s", "/v1/entities/%s/complements?k=%s", "/v1/items/%s",
          "/v1/live?userId=%s", "/v1/judge/status", "/health", "/openapi.yaml", "/metrics", "/", "/index.html",
          "/v1/%s", "/%s"};
      String template = gets[random.nextInt(gets.length)];
      route = "GET " + template.replaceAll("\\?.*", "");
      method = HttpMethod.GET;
      path = String.format(template, segment(), parameter());
      if (template.startsWith("/v1/live") && random.nextBoolean()) {
        headers.put("Upgrade", random.nextBoolean() ? "websocket" : "h2c");
        headers.put("Connection", "Upgrade");
      }
    } else {
      String[] paths = {"/v1/items", "/v1/events", "/v1/rank/train", "/v1/users/u/recommendations", "/v1/items/x",
          "/v1/judge/status", "/health", "/metrics", "/v1/live"};
      path = paths[random.nextInt(paths.length)];
      method = METHODS[random.nextInt(METHODS.length)];
      if (path.equals("/v1/rank/train") && method.equals(HttpMethod.POST)) {
        method = HttpMethod.PUT; // training for real is not what this test is for; its guard and routes are
      }
      route = "other methods";
      if (method.equals(HttpMethod.POST) || method.equals(HttpMethod.PUT) || method.equals(HttpMethod.PATCH)) {
        body = Buffer.buffer(garbage(n));
        headers.put("content-type", random.nextBoolean() ? "application/json"
            : CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)]);
      }
    }
    if (random.nextInt(8) == 0) {
      headers.put("Origin", random.nextBoolean() ? "http://127.0.0.1:" + port : ORIGINS[random.nextInt(ORIGINS.length)]);
    }
    if (random.nextInt(8) == 0) {
      headers.put(random.nextBoolean() ? "Authorization" : "X-API-Key", random.nextBoolean()
          ? "Bearer eyJhbGciOiJub25lIn0.eyJrZXJlY19yb2xlIjoiYWRtaW4ifQ." : hostileString(n));
    }
    if (random.nextInt(10) == 0) {
      headers.put("Host", random.nextBoolean() ? "evil.example" : "localhost:" + port);
    }
    if (random.nextInt(12) == 0) {
      headers.put("Cache-Control", random.nextBoolean() ? "no-cache" : "\u00ff");
    }
    return new Request(route, method, path, headers, body);
  }

  /** A body for an ingest route: valid, mutated, or malformed. */
  private Buffer body(int n, boolean items) {
    int kind = random.nextInt(10);
    if (kind < 3) {
      return valid(n, items).toBuffer();
    }
    if (kind < 7) {
      JsonArray batch = valid(n, items);
      for (int m = 1 + random.nextInt(3); m > 0; m--) {
        mutate(n, batch);
      }
      return batch.toBuffer();
    }
    return Buffer.buffer(garbage(n));
  }

  private JsonArray valid(int n, boolean items) {
    JsonArray batch = new JsonArray();
    for (int j = 0, size = 1 + random.nextInt(5); j < size; j++) {
      if (items) {
        JsonObject item = new JsonObject().put("id", "fz" + n + "-i" + j)
            .put("title", WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)]);
        if (random.nextBoolean()) {
          item.put("price", random.nextInt(10_000) / 100.0);
        }
        if (random.nextBoolean()) {
          item.put("category", "fz" + n + "-c");
        }
        batch.add(item);
      } else {
        JsonObject event = new JsonObject().put("type", List.of("purchase", "exposure", "click")
                .get(random.nextInt(3))).put("userId", "fz" + n + "-u" + random.nextInt(3))
            .put("itemId", SEEDS[random.nextInt(SEEDS.length)]);
        if (random.nextBoolean()) {
          event.put("id", "fz" + n + "-e" + j);
        }
        if (random.nextBoolean()) {
          event.put("ts", "2011-0" + (1 + random.nextInt(9)) + "-01T10:00:00Z");
        }
        if (random.nextInt(4) == 0) {
          event.put("basketId", "fz" + n + "-b");
        }
        if (random.nextInt(4) == 0) {
          event.put("because", new JsonObject().put("triggerEntity", "teacup").put("entity", "saucer"));
        }
        batch.add(event);
      }
    }
    return batch;
  }

  /** Replaces, removes or adds one field of one element, or the element itself. */
  private void mutate(int n, JsonArray batch) {
    int at = random.nextInt(batch.size());
    Object element = batch.getValue(at);
    if (!(element instanceof JsonObject o) || random.nextInt(8) == 0) {
      batch.set(at, hostileValue(n));
      return;
    }
    List<String> fields = new ArrayList<>(o.fieldNames());
    String[] extra = {"id", "title", "price", "category", "type", "userId", "itemId", "ts", "basketId", "because",
        "unknown", ""};
    String field = random.nextInt(4) == 0 || fields.isEmpty() ? extra[random.nextInt(extra.length)]
        : fields.get(random.nextInt(fields.size()));
    if (random.nextInt(5) == 0) {
      o.remove(field);
    } else {
      o.put(field, hostileValue(n));
    }
  }

  /** A JSON value no id, title or timestamp accepts, except strings marked with this request's number. */
  private Object hostileValue(int n) {
    Object[] values = {null, 1, -1.5, 1e308, Long.MIN_VALUE, true, false, "", " ", "\u0000x", "x".repeat(3000),
        new JsonObject(), new JsonArray(), new JsonArray().add(1), ".", "..", "\uD800", "fz" + n + "-m" + (marker++),
        new JsonObject().put("triggerEntity", 1), "2011-13-45T99:00:00Z", "purchase"};
    return values[random.nextInt(values.length)];
  }

  private String hostileString(int n) {
    String[] values = {"", " ", "x", "\u00ff\u00fe", "Bearer", "Bearer ", "Basic Zm9vOmJhcg==", "a".repeat(5000),
        "fz" + n};
    return values[random.nextInt(values.length)];
  }

  /** Malformed, truncated, huge, deeply nested or otherwise hostile bytes. */
  private byte[] garbage(int n) {
    String valid = valid(n, random.nextBoolean()).encode();
    String[] texts = {"", "null", "[]", "{}", "[null]", "[1,2,3]", "\"string\"", "true", "[{}]",
        valid.substring(0, random.nextInt(valid.length())), "[".repeat(5000) + "]".repeat(5000),
        "[" + "{\"a\":".repeat(3000) + "1" + "}".repeat(3000) + "]", "[{\"id\":\"fz" + n + "-d\",\"id\":\"b\","
        + "\"title\":\"x\"}]", "[1e999999]", "[NaN]", "[{\"id\":\"fz" + n + "-n\",\"title\":\"x\",\"price\":1e999}]",
        "\uFEFF" + valid, valid + "garbage", valid + valid, "[" + valid + "]", " ".repeat(1000),
        "[" + "{\"id\":\"x\",\"title\":\"y\"},".repeat(4000) + "{}]"};
    if (random.nextInt(8) == 0) {
      byte[] bytes = new byte[1 + random.nextInt(2000)];
      random.nextBytes(bytes);
      return bytes;
    }
    if (random.nextInt(10) == 0) {
      return new byte[] {'[', '{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', ']'};
    }
    return texts[random.nextInt(texts.length)].getBytes(StandardCharsets.UTF_8);
  }

  /** A path segment: an encoded id, or raw hostile text (bad escapes, encoded dots and slashes). */
  private String segment() {
    String[] raw = {"%", "%zz", "%C3%28", "%00", "%2e%2e", "..", ".", "%2F", "a%2Fb", "%E2%80%AE", "%FF",
        "14286.0", "-1", "1e5", "true", "null", "a".repeat(300), "%20", "~", "%252F", "%u0041", ";x=1", "a%20b"};
    if (random.nextBoolean()) {
      return raw[random.nextInt(raw.length)];
    }
    StringBuilder id = new StringBuilder();
    for (int i = 0, length = 1 + random.nextInt(20); i < length; i++) {
      id.appendCodePoint(random.nextInt(4) == 0 ? 0x20 + random.nextInt(0x60) : 0xA0 + random.nextInt(0x3000));
    }
    return IdRoundTripTest.encode(id.toString());
  }

  private String parameter() {
    String[] values = {"10", "0", "-1", "1001", "abc", "", "1e3", "9999999999999999999", "%", "10&k=11", "1.5",
        "%00", "null"};
    return values[random.nextInt(values.length)];
  }
}
