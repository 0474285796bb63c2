package io.kerec.testing;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** JSON Web Tokens made by hand for tests: HS256, RS256, unsigned ({@code alg: none}), and tampered ones. */
public final class Jwts {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Jwts() {
  }

  /** Claims with this issuer, audience, role and subject, valid from a minute ago for an hour. */
  public static JsonObject claims(String issuer, String audience, String role, String subject) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("iss", issuer).put("aud", audience).put("sub", subject).put("kerec_role", role)
        .put("iat", now - 60).put("nbf", now - 60).put("exp", now + 3600);
  }

  /** A token signed with HMAC-SHA256. */
  public static String hs256(String secret, JsonObject claims) {
    String signing = part(new JsonObject().put("alg", "HS256").put("typ", "JWT")) + "." + part(claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return signing + "." + B64.encodeToString(mac.doFinal(signing.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A token signed with RSA-SHA256 under key id {@code kid}. */
  public static String rs256(PrivateKey key, String kid, JsonObject claims) {
    String signing = part(new JsonObject().put("alg", "RS256").put("typ", "JWT").put("kid", kid)) + "." + part(claims);
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(key);
      rsa.update(signing.getBytes(StandardCharsets.US_ASCII));
      return signing + "." + B64.encodeToString(rsa.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsigned token: {@code alg: none} and an empty signature. */
  public static String none(JsonObject claims) {
    return part(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + part(claims) + ".";
  }

  /** The token with its claims replaced by {@code claims} and its signature kept. */
  public static String tampered(String token, JsonObject claims) {
    String[] parts = token.split("\\.", -1);
    return parts[0] + "." + part(claims) + "." + parts[2];
  }

  /** The JWK of an RSA public key, for a JWKS document. */
  public static JsonObject jwk(RSAPublicKey key, String kid) {
    return new JsonObject().put("kty", "RSA").put("kid", kid).put("alg", "RS256").put("use", "sig")
        .put("n", B64.encodeToString(unsigned(key.getModulus().toByteArray())))
        .put("e", B64.encodeToString(unsigned(key.getPublicExponent().toByteArray())));
  }

  private static byte[] unsigned(byte[] bytes) {
    if (bytes.length > 1 && bytes[0] == 0) {
      byte[] out = new byte[bytes.length - 1];
      System.arraycopy(bytes, 1, out, 0, out.length);
      return out;
    }
    return bytes;
  }

  private static String part(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }
}
