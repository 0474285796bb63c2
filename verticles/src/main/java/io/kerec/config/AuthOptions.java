package io.kerec.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Who may call the HTTP API. With no {@code apiKeys} every route is open, which is allowed only while the server
 * listens on a loopback address, or when {@code insecure} says so explicitly ({@code kerec serve --insecure}).
 * With keys, every route but {@code /health} needs one ({@code X-API-Key: <key>} or
 * {@code Authorization: Bearer <key>}; the WebSocket also takes {@code ?access_token=<key>}, as browsers cannot set
 * its headers). {@code jwt} adds bearer tokens from an identity provider ({@link JwtOptions}).
 */
public record AuthOptions(List<ApiKeyOptions> apiKeys, JwtOptions jwt, boolean insecure) {
  static AuthOptions defaults() {
    return new AuthOptions(List.of(), JwtOptions.defaults(), false);
  }

  /** Whether requests need a key or token. */
  public boolean enabled() {
    return !apiKeys.isEmpty() || jwt.enabled();
  }

  void validate(HttpOptions http) {
    if (apiKeys == null) {
      throw new ConfigException("auth.apiKeys", "must be a list (empty for none)");
    }
    if (jwt == null) {
      throw new ConfigException("auth.jwt", "must be an object");
    }
    jwt.validate();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < apiKeys.size(); i++) {
      ApiKeyOptions key = apiKeys.get(i);
      String at = "auth.apiKeys[" + i + "]";
      if (key == null) {
        throw new ConfigException(at, "must be an object");
      }
      key.validate(at);
      if (!names.add(key.name())) {
        throw new ConfigException(at + ".name", "'" + key.name() + "' is used twice");
      }
    }
    if (!enabled() && !insecure && !isLoopback(http.host())) {
      throw new ConfigException("auth.apiKeys", "http.host " + http.host() + " is not a loopback address, so the API"
          + " would be open to the network: configure auth.apiKeys or auth.jwt, or pass --insecure (auth.insecure) to accept that");
    }
  }

  /** Loopback by name ({@code localhost}) or by literal address; any other host name counts as reachable. */
  static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
      return false;
    }
    try {
      return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
