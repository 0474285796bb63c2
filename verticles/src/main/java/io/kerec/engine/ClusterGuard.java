package io.kerec.engine;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.impl.clustered.ClusteredMessage;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared cluster secret at work on a clustered Vert.x (engines and sibling services alike):
 * <ul>
 *   <li>{@link #clusterName} derives the Hazelcast cluster name from the configured name and the secret, so a node
 *   without the secret presents another name and Hazelcast refuses to let it join;</li>
 *   <li>{@link #install} signs every message this node sends with an HMAC-SHA256 of the secret over its address,
 *   a timestamp and a nonce (header {@value #HEADER}), and drops every message that arrives from another node
 *   without a valid signature no older than a minute (replying 401 when the sender waits for an answer).</li>
 * </ul>
 * With {@code cluster.tls} the bus connections are mutual TLS as well, which is what keeps the signatures and
 * bodies from being read or replayed on the wire.
 */
public final class ClusterGuard {
  /** Header carrying {@code <millis>:<nonce>:<hmac>}. */
  public static final String HEADER = "kerec-cluster-auth";
  /** Failure code of the reply to a message refused for want of a valid signature. */
  public static final int REFUSED = 401;
  /** Shortest secret accepted. */
  public static final int MIN_SECRET = 32;
  private static final long MAX_SKEW_MS = 60_000;
  private static final Logger LOG = LoggerFactory.getLogger(ClusterGuard.class);

  private final byte[] key;
  private final SecureRandom random = new SecureRandom();
  private final AtomicLong refused = new AtomicLong();

  private ClusterGuard(String secret) {
    if (secret == null || secret.length() < MIN_SECRET) {
      throw new IllegalArgumentException("the cluster secret must be at least " + MIN_SECRET + " characters");
    }
    this.key = secret.getBytes(StandardCharsets.UTF_8);
  }

  /** The Hazelcast cluster name for a configured name and secret: {@code <name>-<16 hex digits of an HMAC>}. */
  public static String clusterName(String name, String secret) {
    return name + "-" + new ClusterGuard(secret).hmac("kerec-cluster-name:" + name).substring(0, 16);
  }

  /** Signs what this node sends and checks what it receives from other nodes; returns the guard. */
  public static ClusterGuard install(Vertx vertx, String secret) {
    ClusterGuard guard = new ClusterGuard(secret);
    vertx.eventBus().addOutboundInterceptor(guard::sign);
    vertx.eventBus().addInboundInterceptor(guard::check);
    return guard;
  }

  /** Messages from other nodes dropped so far. */
  public long refused() {
    return refused.get();
  }

  private <T> void sign(DeliveryContext<T> ctx) {
    Message<T> message = ctx.message();
    long now = System.currentTimeMillis();
    String nonce = Long.toHexString(random.nextLong());
    message.headers().set(HEADER, now + ":" + nonce + ":" + hmac(message.address() + "|" + now + "|" + nonce));
    ctx.next();
  }

  private <T> void check(DeliveryContext<T> ctx) {
    Message<T> message = ctx.message();
    if (!(message instanceof ClusteredMessage<?, ?> clustered) || !clustered.isFromWire()) {
      ctx.next(); // sent by this node, signed or not
      return;
    }
    String problem = problem(message);
    if (problem == null) {
      ctx.next();
      return;
    }
    long n = refused.incrementAndGet();
    if (n == 1 || n % 1000 == 0) {
      LOG.warn("refused a message to {} from another cluster node: {} ({} refused so far)", message.address(),
          problem, n);
    }
    if (message.replyAddress() != null) {
      message.fail(REFUSED, "refused by the cluster guard: " + problem);
    }
  }

  private String problem(Message<?> message) {
    String header = message.headers().get(HEADER);
    if (header == null) {
      return "not signed with the cluster secret";
    }
    String[] parts = header.split(":", 3);
    if (parts.length != 3) {
      return "malformed signature";
    }
    long at;
    try {
      at = Long.parseLong(parts[0]);
    } catch (NumberFormatException e) {
      return "malformed signature";
    }
    if (Math.abs(System.currentTimeMillis() - at) > MAX_SKEW_MS) {
      return "signature too old or from the future";
    }
    byte[] expected = hmac(message.address() + "|" + at + "|" + parts[1]).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, parts[2].getBytes(StandardCharsets.US_ASCII))) {
      return "bad signature";
    }
    return null;
  }

  private String hmac(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no HmacSHA256 in this JVM", e);
    }
  }
}
