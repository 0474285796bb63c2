package io.kerec.api;

import io.kerec.config.ApiKeyOptions;
import io.kerec.config.AuthOptions;
import io.kerec.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.authorization.Authorization;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configured API keys as a Vert.x {@link AuthenticationProvider}: a presented key (bare, or after
 * {@code Bearer }) is hashed with SHA-256 and compared in constant time with each configured hash. The user it
 * yields is named after the key and holds the role-based authorizations of its role and of every role below it.
 */
public final class ApiKeys implements AuthenticationProvider {
  /** Provider id under which the authorizations are attached to the user. */
  public static final String PROVIDER = "kerec-api-keys";

  private record Key(String name, String role, byte[] sha256) {
  }

  private final List<Key> keys;

  private ApiKeys(List<Key> keys) {
    this.keys = keys;
  }

  /**
   * The keys of a configuration, those given by {@code keyEnv} read from {@code env}.
   *
   * @throws ConfigException naming the key whose environment variable is missing or empty
   */
  public static ApiKeys of(AuthOptions options, Map<String, String> env) {
    List<Key> keys = new ArrayList<>();
    for (int i = 0; i < options.apiKeys().size(); i++) {
      ApiKeyOptions key = options.apiKeys().get(i);
      byte[] hash;
      if (key.keyEnv() != null && !key.keyEnv().isBlank()) {
        String value = env.get(key.keyEnv());
        if (value == null || value.isBlank()) {
          throw new ConfigException("auth.apiKeys[" + i + "].keyEnv",
              "environment variable " + key.keyEnv() + " (key '" + key.name() + "') is not set");
        }
        hash = sha256(value.strip());
      } else {
        hash = HexFormat.of().parseHex(key.sha256());
      }
      keys.add(new Key(key.name(), key.role(), hash));
    }
    return new ApiKeys(List.copyOf(keys));
  }

  /** The hex SHA-256 of a key, as {@code auth.apiKeys[].sha256} wants it. */
  public static String hash(String key) {
    return HexFormat.of().formatHex(sha256(key));
  }

  /** Whether any key is configured (else the API is open). */
  public boolean enabled() {
    return !keys.isEmpty();
  }

  /** The authorization a route needs for a role. */
  public static Authorization role(String role) {
    return RoleBasedAuthorization.create(role);
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    if (!(credentials instanceof TokenCredentials token) || token.getToken() == null) {
      return Future.failedFuture("no API key");
    }
    String presented = token.getToken().strip();
    if (presented.regionMatches(true, 0, "Bearer ", 0, 7)) {
      presented = presented.substring(7).strip();
    }
    byte[] hash = sha256(presented);
    Key found = null;
    for (Key key : keys) {
      if (MessageDigest.isEqual(hash, key.sha256()) && found == null) {
        found = key;
      }
    }
    if (found == null) {
      return Future.failedFuture("unknown API key");
    }
    User user = User.create(new JsonObject().put("username", found.name()).put("role", found.role()));
    Set<Authorization> granted = new HashSet<>();
    for (String role : ApiKeyOptions.ROLES.subList(0, ApiKeyOptions.ROLES.indexOf(found.role()) + 1)) {
      granted.add(role(role));
    }
    user.authorizations().put(PROVIDER, granted);
    return Future.succeededFuture(user);
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }
}
