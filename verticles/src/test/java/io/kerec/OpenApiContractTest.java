package io.kerec;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kerec.engine.Engine;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document is served, describes every route the API has, and requests are validated against it: each
 * 400 names the parameter or the body path at fault; a body declared as anything but JSON is 415.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiContractTest {
  private Vertx vertx;
  private Engine engine;
  private WebClient client;

  @BeforeAll
  void start(@TempDir Path data) {
    vertx = Engine.newVertx();
    engine = TestEngines.start(vertx, TestEngines.config(data));
    client = WebClient.create(vertx);
    assertThat(post("/v1/items", "[{\"id\":\"T1\",\"title\":\"ROSES TEACUP\"}]", "application/json").statusCode()).isEqualTo(202);
  }

  @AfterAll
  void stop() {
    await(engine.stop());
    await(vertx.close());
  }

  private HttpResponse<Buffer> get(String path) {
    return await(client.get(engine.httpPort(), "127.0.0.1", path).send());
  }

  private HttpResponse<Buffer> post(String path, String body, String contentType) {
    var request = client.post(engine.httpPort(), "127.0.0.1", path);
    if (contentType != null) {
      request.putHeader("content-type", contentType);
    }
    return await(request.sendBuffer(Buffer.buffer(body)));
  }

  private static void assertField(HttpResponse<Buffer> response, String field) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("error")).isNotBlank();
    assertThat(body.getString("field")).as(body.encode()).isEqualTo(field);
  }

  @Test
  void theDocumentIsServedAndCoversEveryRoute() throws Exception {
    HttpResponse<Buffer> served = get("/openapi.yaml");
    assertThat(served.statusCode()).isEqualTo(200);
    JsonNode contract = new ObjectMapper(new YAMLFactory()).readTree(served.bodyAsString());
    assertThat(contract.path("openapi").asText()).startsWith("3.1");
    List<String> documented = new ArrayList<>();
    contract.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
        .forEachRemaining(method -> documented.add(method.toUpperCase() + " " + path.getKey())));
    assertThat(documented).containsExactlyInAnyOrder(
        "GET /health", "GET /openapi.yaml", "GET /metrics", "POST /v1/items", "POST /v1/events",
        "GET /v1/users/{userId}/recommendations", "GET /v1/entities/{entity}/complements", "GET /v1/items/{itemId}",
        "GET /v1/experiments", "GET /v1/experiments/{name}", "GET /v1/judge/status", "POST /v1/rank/train",
        "GET /v1/live");
    contract.path("paths").fields().forEachRemaining(path -> path.getValue().forEach(operation ->
        assertThat(operation.path("operationId").asText()).as(path.getKey()).isNotBlank()));
  }

  @Test
  void parametersOutOfTheContractAreNamed() {
    assertField(get("/v1/users/alice/recommendations?k=0"), "k");
    assertField(get("/v1/users/alice/recommendations?k=many"), "k");
    assertField(get("/v1/entities/teacup/complements?k=5000"), "k");
    assertThat(get("/v1/users/alice/recommendations?k=3").statusCode()).isEqualTo(200);
  }

  @Test
  void bodiesOutOfTheContractNameTheirPath() {
    assertField(post("/v1/items", "[{\"id\":\"X\",\"title\":\"ok\",\"price\":-1}]", "application/json"),
        "[0].price");
    assertField(post("/v1/items", "[{\"id\":\"X\"}]", "application/json"), "[0].title");
    assertField(post("/v1/items", "[]", "application/json"), "body");
    assertField(post("/v1/items", "{\"id\":\"X\"}", "application/json"), "body");
    assertField(post("/v1/events", "[{\"type\":\"purchase\",\"userId\":\"u\",\"itemId\":\"T1\"},"
        + "{\"type\":\"purchase\",\"userId\":\"u\",\"itemId\":\"T1\",\"because\":{\"triggerEntity\":\"teacup\"}}]",
        "application/json"), "[1].because.entity");
    assertField(post("/v1/events", "[{\"type\":\"view\",\"userId\":\"u\",\"itemId\":\"T1\"}]",
        "application/json"), "[0].type");
    assertField(post("/v1/events", "[{\"type\":\"purchase\",\"userId\":\"u\",\"itemId\":\"T1\",\"basketId\":7}]",
        "application/json"), "[0].basketId");
    String ok = "[{\"type\":\"purchase\",\"userId\":\"u\",\"itemId\":\"T1\",\"price\":null}]";
    assertThat(post("/v1/events", ok, "application/json; charset=utf-8").statusCode()).isEqualTo(202);
    for (String type : new String[] {"application/x-www-form-urlencoded", "text/plain", "multipart/form-data",
        "application/jsonx", "application/json-patch+json"}) {
      HttpResponse<Buffer> refused = post("/v1/events", ok, type);
      assertThat(refused.statusCode()).as(type).isEqualTo(415);
      assertThat(refused.bodyAsJsonObject().getString("field")).isEqualTo("Content-Type");
    }
    assertThat(post("/v1/events", ok, null).statusCode()).as("a body without a Content-Type").isEqualTo(415);
  }
}
