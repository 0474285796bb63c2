package io.kerec;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.config.ConfigLoader;
import io.kerec.engine.Engine;
import io.kerec.testing.Jwts;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * JWT bearer tokens from an identity provider whose keys the engine fetches from a JWKS document (a real HTTP
 * server here): each bad token is 401 with {@code WWW-Authenticate}; the role claim decides what a token may do; a
 * read token bound to a user (userClaim) reads only that user's recommendations and live feed; and a request
 * without a token is refused before its body is read.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JwtAuthTest {
  private static final String ISSUER = "https://id.example";
  private static final String AUDIENCE = "kerec";
  private Vertx vertx;
  private HttpServer jwks;
  private Engine engine;
  private WebClient client;
  private KeyPair rsa;

  @BeforeAll
  void start(@TempDir Path data) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    rsa = generator.generateKeyPair();
    vertx = Engine.newVertx();
    JsonObject document = new JsonObject().put("keys", new JsonArray()
        .add(Jwts.jwk((RSAPublicKey) rsa.getPublic(), "k1")));
    jwks = await(vertx.createHttpServer().requestHandler(req -> req.response()
        .putHeader("content-type", "application/json").end(document.encode())).listen(0, "127.0.0.1"));
    ObjectNode o = TestEngines.overrides(data);
    o.putObject("auth").putObject("jwt").put("issuer", ISSUER).put("audience", AUDIENCE)
        .put("jwksUrl", "http://127.0.0.1:" + jwks.actualPort() + "/.well-known/jwks.json")
        .put("userClaim", "shopper");
    engine = TestEngines.start(vertx, ConfigLoader.load(null, Map.of(), o));
    client = WebClient.create(vertx);
  }

  @AfterAll
  void stop() {
    await(engine.stop());
    await(jwks.close());
    await(vertx.close());
  }

  private JsonObject claims(String role) {
    return Jwts.claims(ISSUER, AUDIENCE, role, "svc");
  }

  private String token(JsonObject claims) {
    return Jwts.rs256(rsa.getPrivate(), "k1", claims);
  }

  private HttpResponse<Buffer> get(String path, String token) {
    HttpRequest<Buffer> request = client.get(engine.httpPort(), "127.0.0.1", path);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return await(request.send());
  }

  private HttpResponse<Buffer> post(String path, String token, String body) {
    HttpRequest<Buffer> request = client.post(engine.httpPort(), "127.0.0.1", path)
        .putHeader("content-type", "application/json");
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return await(request.sendBuffer(Buffer.buffer(body)));
  }

  @Test
  void eachBadTokenIs401WithWwwAuthenticate() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("expired", token(claims("read").put("exp", now - 600)));
    bad.put("not yet valid", token(claims("read").put("nbf", now + 600)));
    bad.put("wrong audience", token(claims("read").put("aud", "another-service")));
    bad.put("wrong issuer", token(claims("read").put("iss", "https://evil.example")));
    bad.put("alg none", Jwts.none(claims("admin")));
    bad.put("tampered", Jwts.tampered(token(claims("read")), claims("admin")));
    bad.put("signed by another key", Jwts.rs256(generator.generateKeyPair().getPrivate(), "k1", claims("read")));
    bad.put("HS256 with the public key as secret", Jwts.hs256(new String(rsa.getPublic().getEncoded(),
        java.nio.charset.StandardCharsets.ISO_8859_1), claims("admin")));
    assertThat(get("/v1/judge/status", token(claims("read"))).statusCode()).as("a valid token").isEqualTo(200);
    bad.forEach((what, token) -> {
      HttpResponse<Buffer> r = get("/v1/judge/status", token);
      System.out.println("JWT " + what + ": " + r.statusCode() + " " + r.getHeader("WWW-Authenticate") + " "
          + r.bodyAsString());
      assertThat(r.statusCode()).as(what).isEqualTo(401);
      assertThat(r.getHeader("WWW-Authenticate")).as(what).startsWith("Bearer").contains("invalid_token");
      assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo("Authorization");
    });
    HttpResponse<Buffer> none = get("/v1/judge/status", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.getHeader("WWW-Authenticate")).startsWith("Bearer");
  }

  @Test
  void theRoleClaimDecidesWhatATokenMayDo() {
    String items = "[{\"id\":\"J1\",\"title\":\"ROSES REGENCY TEACUP\"}]";
    assertThat(post("/v1/items", token(claims("read")), items).statusCode()).isEqualTo(403);
    assertThat(post("/v1/items", token(claims("write")), items).statusCode()).isEqualTo(202);
    assertThat(post("/v1/rank/train", token(claims("write")), "").statusCode()).isEqualTo(403);
    assertThat(get("/metrics", token(claims("write"))).statusCode()).isEqualTo(403);
    assertThat(get("/metrics", token(claims("admin"))).statusCode()).isEqualTo(200);
  }

  @Test
  void aReadTokenBoundToAUserReadsThatUserOnly() {
    String shopper = token(claims("read").put("shopper", "14286.0"));
    assertThat(get("/v1/users/14286.0/recommendations", shopper).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> other = get("/v1/users/14287.0/recommendations", shopper);
    System.out.println("userClaim mismatch: " + other.statusCode() + " " + other.bodyAsString());
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(other.bodyAsJsonObject().getString("field")).isEqualTo("userId");
    assertThat(get("/v1/users/14287.0/recommendations", token(claims("read"))).statusCode())
        .as("an unbound read token reads anyone").isEqualTo(200);
    var ws = vertx.createWebSocketClient();
    WebSocketConnectOptions mine = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(engine.httpPort())
        .setURI("/v1/live?userId=14286.0").addHeader("Authorization", "Bearer " + shopper);
    await(await(ws.connect(mine)).close());
    WebSocketConnectOptions theirs = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(engine.httpPort())
        .setURI("/v1/live?userId=14287.0&access_token=" + shopper);
    Throwable refused = await(ws.connect(theirs).map(s -> (Throwable) null).otherwise(t -> t));
    assertThat(refused).isInstanceOf(UpgradeRejectedException.class);
    assertThat(((UpgradeRejectedException) refused).getStatus()).isEqualTo(403);
  }

  @Test
  void aRequestWithoutATokenIsRefusedBeforeItsBodyIsRead() {
    String large = "[" + "{\"id\":\"x\",\"title\":\"y\"},".repeat(20_000) + "{\"id\":\"x\",\"title\":\"y\"}]";
    assertThat(large.length()).isGreaterThan(64 * 1024);
    HttpResponse<Buffer> anonymous = post("/v1/items", null, large);
    assertThat(anonymous.statusCode()).as("401, not 413: authentication came first").isEqualTo(401);
    assertThat(post("/v1/items", token(claims("write")), large).statusCode()).isEqualTo(413);
  }
}
