package io.kerec.config;

/**
 * JWT bearer tokens from an identity provider, next to (or instead of) API keys: off unless {@code jwksUrl} or
 * {@code hs256SecretEnv} is set. A token must be signed by a key of the JWKS document at {@code jwksUrl} (RS256,
 * ES256 …, fetched at start) or with the HS256 secret held by the environment variable {@code hs256SecretEnv}
 * (exactly one of the two), carry this {@code issuer} and {@code audience}, and be within its {@code nbf}/{@code exp}.
 * Its {@code roleClaim} (default {@code kerec_role}) names the role, {@code read}, {@code write} or {@code admin} as
 * for API keys. With {@code userClaim} set, a {@code read} token that carries that claim may read only that user's
 * recommendations and live feed.
 */
public record JwtOptions(String issuer, String audience, String jwksUrl, String hs256SecretEnv, String roleClaim,
                         String userClaim) {
  /** The default claim that holds the role. */
  public static final String ROLE_CLAIM = "kerec_role";

  static JwtOptions defaults() {
    return new JwtOptions(null, null, null, null, ROLE_CLAIM, null);
  }

  /** Whether bearer tokens are accepted. */
  public boolean enabled() {
    return present(jwksUrl) || present(hs256SecretEnv);
  }

  void validate() {
    if (!enabled()) {
      return;
    }
    if (present(jwksUrl) && present(hs256SecretEnv)) {
      throw new ConfigException("auth.jwt", "give exactly one of jwksUrl and hs256SecretEnv");
    }
    Require.nonBlank("auth.jwt.issuer", issuer);
    Require.nonBlank("auth.jwt.audience", audience);
    Require.nonBlank("auth.jwt.roleClaim", roleClaim);
    if (present(jwksUrl) && !jwksUrl.matches("https?://\\S+")) {
      throw new ConfigException("auth.jwt.jwksUrl", "must be an http(s) URL, got " + jwksUrl);
    }
    if (userClaim != null && userClaim.isBlank()) {
      throw new ConfigException("auth.jwt.userClaim", "must be a claim name, or absent");
    }
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }
}
