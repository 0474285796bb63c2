package io.kerec.api;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.config.AuthOptions;
import io.kerec.config.ConfigLoader;
import io.kerec.testing.Jwts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * HS256 bearer tokens whose secret comes from the environment: a valid token yields its role (and the roles below
 * it); expired, not yet valid, wrong audience, wrong issuer, unsigned and tampered ones are refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenAuthenticationTest {
  private static final String SECRET = "a-test-secret-of-at-least-32-characters!";
  private Vertx vertx;
  private TokenAuthentication auth;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    AuthOptions options = ConfigLoader.load(null, Map.of(), new com.fasterxml.jackson.databind.ObjectMapper()
        .valueToTree(Map.of("auth", Map.of("jwt", Map.of("issuer", "https://id.example", "audience", "kerec",
            "hs256SecretEnv", "KEREC_JWT_SECRET", "userClaim", "shopper"))))).auth();
    auth = await(TokenAuthentication.create(vertx, options, Map.of("KEREC_JWT_SECRET", SECRET)));
  }

  @AfterAll
  void stop() {
    await(vertx.close());
  }

  private static JsonObject claims() {
    return Jwts.claims("https://id.example", "kerec", "write", "svc-1");
  }

  private Future<User> present(String token) {
    return auth.authenticate(new TokenCredentials("Bearer " + token));
  }

  @Test
  void aValidTokenYieldsItsRoleAndTheOnesBelow() {
    User user = await(present(Jwts.hs256(SECRET, claims())));
    assertThat(user.principal().getString("role")).isEqualTo("write");
    assertThat(ApiKeys.role("read").match(user)).isTrue();
    assertThat(ApiKeys.role("write").match(user)).isTrue();
    assertThat(ApiKeys.role("admin").match(user)).isFalse();
    assertThat(TokenAuthentication.onlyUser(user)).as("only read tokens are bound to a user").isNull();
    User reader = await(present(Jwts.hs256(SECRET, claims().put("kerec_role", "read").put("shopper", "14286.0"))));
    assertThat(TokenAuthentication.onlyUser(reader)).isEqualTo("14286.0");
  }

  @Test
  void badTokensAreRefused() {
    long now = System.currentTimeMillis() / 1000;
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("expired", Jwts.hs256(SECRET, claims().put("exp", now - 600)));
    bad.put("not yet valid", Jwts.hs256(SECRET, claims().put("nbf", now + 600)));
    bad.put("wrong audience", Jwts.hs256(SECRET, claims().put("aud", "someone-else")));
    bad.put("wrong issuer", Jwts.hs256(SECRET, claims().put("iss", "https://evil.example")));
    bad.put("alg none", Jwts.none(claims()));
    bad.put("tampered", Jwts.tampered(Jwts.hs256(SECRET, claims()), claims().put("kerec_role", "admin")));
    bad.put("other secret", Jwts.hs256("another-secret-of-at-least-32-characters", claims()));
    bad.put("no role", Jwts.hs256(SECRET, claims().put("kerec_role", "root")));
    bad.forEach((what, token) -> {
      Future<User> result = present(token).otherwise((User) null);
      assertThat(await(result)).as(what).isNull();
    });
  }
}
