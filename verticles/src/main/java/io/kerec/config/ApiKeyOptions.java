package io.kerec.config;

import java.util.HexFormat;

/**
 * One API key: who holds it ({@code name}, shown in logs and metrics), what it may do ({@code role}: {@code read}
 * for recommendations and lookups, {@code write} adds items and events, {@code admin} adds training and metrics),
 * and the key itself, either as its SHA-256 in hex ({@code sha256}, safe to keep in a config file) or as the name
 * of the environment variable that holds it ({@code keyEnv}). Exactly one of the two.
 */
public record ApiKeyOptions(String name, String role, String sha256, String keyEnv) {
  /** Roles, each granting everything the ones before it do. */
  public static final java.util.List<String> ROLES = java.util.List.of("read", "write", "admin");

  void validate(String key) {
    Require.nonBlank(key + ".name", name);
    Require.oneOf(key + ".role", role, ROLES.toArray(String[]::new));
    boolean hashed = sha256 != null && !sha256.isBlank();
    boolean fromEnv = keyEnv != null && !keyEnv.isBlank();
    if (hashed == fromEnv) {
      throw new ConfigException(key, "give exactly one of sha256 and keyEnv");
    }
    if (hashed) {
      try {
        if (HexFormat.of().parseHex(sha256).length != 32) {
          throw new ConfigException(key + ".sha256", "must be 64 hex digits (a SHA-256)");
        }
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key + ".sha256", "must be 64 hex digits (a SHA-256)");
      }
    }
  }
}
