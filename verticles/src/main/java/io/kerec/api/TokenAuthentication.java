package io.kerec.api;

import io.kerec.config.ApiKeyOptions;
import io.kerec.config.AuthOptions;
import io.kerec.config.ConfigException;
import io.kerec.config.JwtOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.authorization.Authorization;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a request's token names: a JWT bearer token (three dot-separated parts) checked by vertx-auth-jwt against
 * {@code auth.jwt} — signature (HS256 secret or the JWKS's keys; {@code alg: none} is never accepted), issuer,
 * audience, {@code exp} and {@code nbf} — or else one of the API keys ({@link ApiKeys}). The user either yields holds
 * the role-based authorizations of its role and of every role below it; a {@code read} JWT whose
 * {@code auth.jwt.userClaim} is set carries it as {@link #ONLY_USER}.
 */
final class TokenAuthentication implements AuthenticationProvider {
  /** Principal field of a token restricted to one user's recommendations. */
  static final String ONLY_USER = "onlyUser";
  private static final Logger LOG = LoggerFactory.getLogger(TokenAuthentication.class);
  /** How often the JWKS document is fetched again (keys rotate). */
  private static final long JWKS_REFRESH_MS = 15 * 60_000L;

  private final ApiKeys keys;
  private final JwtOptions options;
  private volatile JWTAuth jwt;

  private TokenAuthentication(ApiKeys keys, JwtOptions options, JWTAuth jwt) {
    this.keys = keys;
    this.options = options;
    this.jwt = jwt;
  }

  /**
   * The authentication of a configuration: API keys read from {@code env}, and the JWT verifier, whose JWKS
   * document (if any) is fetched before this completes and every 15 minutes after.
   */
  static Future<TokenAuthentication> create(Vertx vertx, AuthOptions auth, Map<String, String> env) {
    ApiKeys keys = ApiKeys.of(auth, env);
    JwtOptions options = auth.jwt();
    if (!options.enabled()) {
      return Future.succeededFuture(new TokenAuthentication(keys, options, null));
    }
    JWTOptions claims = new JWTOptions().setIssuer(options.issuer()).addAudience(options.audience());
    if (options.hs256SecretEnv() != null && !options.hs256SecretEnv().isBlank()) {
      String secret = env.get(options.hs256SecretEnv());
      if (secret == null || secret.length() < 32) {
        throw new ConfigException("auth.jwt.hs256SecretEnv", "environment variable " + options.hs256SecretEnv()
            + " must hold the HS256 secret, at least 32 characters");
      }
      JWTAuth provider = JWTAuth.create(vertx, new JWTAuthOptions().setJWTOptions(claims)
          .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(Buffer.buffer(secret))));
      return Future.succeededFuture(new TokenAuthentication(keys, options, provider));
    }
    WebClient client = WebClient.create(vertx);
    return fetchJwks(vertx, client, options, claims).map(provider -> {
      TokenAuthentication auth2 = new TokenAuthentication(keys, options, provider);
      vertx.setPeriodic(JWKS_REFRESH_MS, id -> fetchJwks(vertx, client, options, claims)
          .onSuccess(p -> auth2.jwt = p)
          .onFailure(e -> LOG.warn("JWKS {} not refreshed, the previous keys stay: {}", options.jwksUrl(),
              e.getMessage())));
      return auth2;
    });
  }

  private static Future<JWTAuth> fetchJwks(Vertx vertx, WebClient client, JwtOptions options, JWTOptions claims) {
    return client.getAbs(options.jwksUrl()).timeout(10_000).send().map(response -> {
      if (response.statusCode() != 200) {
        throw new ConfigException("auth.jwt.jwksUrl", options.jwksUrl() + " answered " + response.statusCode());
      }
      JsonArray keys = response.bodyAsJsonObject().getJsonArray("keys");
      if (keys == null || keys.isEmpty()) {
        throw new ConfigException("auth.jwt.jwksUrl", options.jwksUrl() + " holds no keys");
      }
      List<JsonObject> jwks = new ArrayList<>();
      keys.forEach(k -> jwks.add((JsonObject) k));
      return JWTAuth.create(vertx, new JWTAuthOptions().setJWTOptions(claims).setJwks(jwks));
    });
  }

  /** Whether requests need a key or token. */
  boolean enabled() {
    return keys.enabled() || jwt != null;
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    if (!(credentials instanceof TokenCredentials token) || token.getToken() == null) {
      return Future.failedFuture("no API key or token");
    }
    String presented = token.getToken().strip();
    if (presented.regionMatches(true, 0, "Bearer ", 0, 7)) {
      presented = presented.substring(7).strip();
    }
    JWTAuth verifier = jwt;
    if (verifier != null && presented.chars().filter(c -> c == '.').count() == 2) {
      String raw = presented;
      return verifier.authenticate(new TokenCredentials(raw)).compose(this::fromJwt)
          .recover(e -> keys.enabled() ? keys.authenticate(new TokenCredentials(raw))
              .recover(ignored -> Future.failedFuture(e)) : Future.failedFuture(e));
    }
    return keys.authenticate(new TokenCredentials(presented));
  }

  private Future<User> fromJwt(User verified) {
    JsonObject claims = verified.attributes().getJsonObject("accessToken", verified.principal());
    String role = role(claims.getValue(options.roleClaim()));
    if (role == null) {
      return Future.failedFuture("the token's " + options.roleClaim() + " claim names no role (read, write, admin)");
    }
    JsonObject principal = new JsonObject().put("username", "jwt:" + claims.getString("sub", "?"))
        .put("role", role);
    if (options.userClaim() != null && role.equals("read")) {
      Object only = claims.getValue(options.userClaim());
      if (only != null) {
        principal.put(ONLY_USER, String.valueOf(only));
      }
    }
    User user = User.create(principal);
    Set<Authorization> granted = new HashSet<>();
    for (String r : ApiKeyOptions.ROLES.subList(0, ApiKeyOptions.ROLES.indexOf(role) + 1)) {
      granted.add(ApiKeys.role(r));
    }
    user.authorizations().put(ApiKeys.PROVIDER, granted);
    return Future.succeededFuture(user);
  }

  /** The highest role named by the claim (a string or an array of strings), or null. */
  private static String role(Object claim) {
    List<Object> values = claim instanceof JsonArray array ? array.getList() : claim == null ? List.of()
        : List.of(claim);
    String best = null;
    for (Object v : values) {
      int at = v instanceof String s ? ApiKeyOptions.ROLES.indexOf(s) : -1;
      if (at >= 0 && (best == null || at > ApiKeyOptions.ROLES.indexOf(best))) {
        best = (String) v;
      }
    }
    return best;
  }

  /** The user a token may only read about, or null when it may read about anyone. */
  static String onlyUser(User user) {
    return user == null ? null : user.principal().getString(ONLY_USER);
  }
}
