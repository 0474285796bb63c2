package io.kerec;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.bus.Accepted;
import io.kerec.bus.Addresses;
import io.kerec.bus.Event;
import io.kerec.bus.EventBatch;
import io.kerec.bus.EventType;
import io.kerec.bus.Item;
import io.kerec.bus.ItemBatch;
import io.kerec.bus.RecordCodec;
import io.kerec.config.ClusterOptions;
import io.kerec.config.ClusterTlsOptions;
import io.kerec.config.ConfigLoader;
import io.kerec.config.KerecConfig;
import io.kerec.engine.ClusterGuard;
import io.kerec.engine.Engine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An authenticated cluster: an engine whose cluster has a shared secret and mutual TLS on the event bus. A sibling
 * with the secret and a certificate delivers to {@code kerec.events}; a node without the secret cannot join (the
 * cluster name is derived from it) and finds no one to deliver to; a node that knows the derived name and holds a
 * certificate but not the secret is refused (401) and nothing it sent is stored; a node with the secret but without
 * a certificate cannot open a bus connection.
 */
@Tag("e2e")
class ClusterSecretTest {
  private static final String SECRET = "kerec-cluster-secret-for-the-test-0123456789";
  private static final String NAME = "kerec-secure-test";
  private static final List<String> MEMBERS = List.of("127.0.0.1:15821", "127.0.0.1:15822", "127.0.0.1:15823",
      "127.0.0.1:15824", "127.0.0.1:15825");

  /** A PKCS#12 key store with one self-signed member certificate and a trust store that holds it. */
  private static ClusterTlsOptions stores(Path dir) throws Exception {
    Path keys = dir.resolve("member.p12");
    Path cert = dir.resolve("member.crt");
    Path trust = dir.resolve("trust.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(keytool, "-genkeypair", "-keystore", keys.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
        "-alias", "member", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=kerec-member",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost");
    run(keytool, "-exportcert", "-rfc", "-keystore", keys.toString(), "-storetype", "PKCS12", "-storepass",
        "changeit", "-alias", "member", "-file", cert.toString());
    run(keytool, "-importcert", "-noprompt", "-keystore", trust.toString(), "-storetype", "PKCS12", "-storepass",
        "changeit", "-alias", "member", "-file", cert.toString());
    return new ClusterTlsOptions(true, keys.toString(), "KS_PASSWORD", trust.toString(), "KS_PASSWORD");
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  private static final Map<String, String> ENV = Map.of("KEREC_CLUSTER_SECRET", SECRET, "KS_PASSWORD", "changeit");

  private static ClusterOptions node(String name, int port, String secretEnv, ClusterTlsOptions tls) {
    return new ClusterOptions(true, name, "127.0.0.1", port, 0, MEMBERS, secretEnv,
        tls == null ? new ClusterTlsOptions(false, null, null, null, null) : tls);
  }

  private static Future<Throwable> deliver(Vertx from, String user) {
    EventBatch batch = new EventBatch(List.of(new Event(user + "-1", EventType.PURCHASE, user, "T1",
        Instant.parse("2011-03-01T10:00:00Z"), user + "-b", null)));
    return from.eventBus().<Accepted>request(Addresses.EVENTS, batch, new DeliveryOptions().setSendTimeout(8_000))
        .map(reply -> {
          assertThat(reply.body().accepted()).isEqualTo(1);
          return (Throwable) null;
        })
        .otherwise(e -> e);
  }

  @Test
  void onlyANodeWithTheSecretAndACertificateDelivers(@TempDir Path data, @TempDir Path certs) throws Exception {
    ClusterTlsOptions tls = stores(certs);
    ObjectNode o = TestEngines.overrides(data);
    o.putObject("cluster").put("enabled", true).put("name", NAME).put("port", 15821)
        .put("secretEnv", "KEREC_CLUSTER_SECRET").set("tls", new com.fasterxml.jackson.databind.ObjectMapper()
            .valueToTree(tls));
    MEMBERS.forEach(o.with("cluster").putArray("members")::add);
    KerecConfig config = ConfigLoader.load(null, Map.of(), o);
    List<Vertx> nodes = new ArrayList<>();
    Vertx engineVertx = await(Engine.newVertx(config.cluster(), ENV), java.time.Duration.ofSeconds(60));
    nodes.add(engineVertx);
    Engine engine = TestEngines.start(engineVertx, config);
    Pool pg = PgBuilder.pool().connectingTo(engine.postgres()).using(engineVertx).build();
    try {
      await(engineVertx.eventBus().request(Addresses.ITEMS, new ItemBatch(List.of(
          new Item("T1", "ROSES REGENCY TEACUP", null, null))), Addresses.inEngine(30_000)));

      Vertx sibling = await(Engine.newVertx(node(NAME, 15822, "KEREC_CLUSTER_SECRET", tls), ENV));
      nodes.add(sibling);
      RecordCodec.registerAll(sibling);
      Throwable member = await(deliver(sibling, "member"));
      assertThat(member).as("a sibling with the secret and a certificate delivers").isNull();

      Vertx outsider = await(Engine.newVertx(node(NAME, 15823, null, tls), ENV));
      nodes.add(outsider);
      RecordCodec.registerAll(outsider);
      Throwable outside = await(deliver(outsider, "outsider"));
      System.out.println("a node without the secret: " + outside);
      assertThat(outside).as("a node without the secret is in another cluster").isInstanceOf(ReplyException.class);

      Vertx insider = await(Engine.newVertx(node(ClusterGuard.clusterName(NAME, SECRET), 15824, null, tls), ENV));
      nodes.add(insider);
      RecordCodec.registerAll(insider);
      Throwable unsigned = await(deliver(insider, "unsigned"));
      System.out.println("a node that knows the derived name but not the secret: " + unsigned);
      assertThat(unsigned).isInstanceOf(ReplyException.class);
      assertThat(((ReplyException) unsigned).failureCode()).isEqualTo(ClusterGuard.REFUSED);

      Vertx plain = await(Engine.newVertx(node(NAME, 15825, "KEREC_CLUSTER_SECRET", null), ENV));
      nodes.add(plain);
      RecordCodec.registerAll(plain);
      Throwable noTls = await(deliver(plain, "notls"));
      System.out.println("a node with the secret but no certificate: " + noTls);
      assertThat(noTls).as("no TLS, no bus connection").isNotNull();

      long stored = await(pg.preparedQuery("SELECT user_id FROM events WHERE user_id = ANY($1)")
          .execute(Tuple.of(new String[] {"member", "outsider", "unsigned", "notls"}))).rowCount();
      assertThat(await(pg.preparedQuery("SELECT user_id FROM events WHERE user_id = 'member'").execute()).rowCount())
          .isEqualTo(1);
      assertThat(stored).as("only the member's event is stored").isEqualTo(1);
    } finally {
      await(pg.close());
      await(engine.stop());
      for (Vertx node : nodes) {
        await(node.close().otherwiseEmpty());
      }
    }
  }
}
