package io.kerec;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.config.ConfigException;
import io.kerec.config.ConfigLoader;
import io.kerec.engine.Engine;
import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS through the OpenSSL (BoringSSL) engine, with HTTP/2 negotiated over ALPN and HTTP/1.1 still served. */
@Tag("e2e")
class ApiTlsTest {

  @Test
  void servesHttpsWithOpenSslAndHttp2(@TempDir Path data) {
    assertThat(OpenSsl.isAvailable()).as("netty-tcnative loaded: %s", OpenSsl.unavailabilityCause()).isTrue();
    assertThat(OpenSsl.versionString()).containsIgnoringCase("BoringSSL");
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("dataDir", data.toString());
    o.putObject("http").put("port", 0);
    o.putObject("rank").put("device", "cpu").put("autoTrain", false);
    o.putObject("tls").put("enabled", true).put("certPath", certificate.certificatePath())
        .put("keyPath", certificate.privateKeyPath()).put("engine", "openssl");
    Vertx vertx = Engine.newVertx();
    Engine engine = TestEngines.start(vertx, ConfigLoader.load(null, Map.of(), o));
    try {
      for (HttpVersion version : new HttpVersion[] {HttpVersion.HTTP_2, HttpVersion.HTTP_1_1}) {
        WebClient client = WebClient.create(vertx, new WebClientOptions().setSsl(true).setUseAlpn(true)
            .setProtocolVersion(version).setTrustOptions(certificate.trustOptions()).setVerifyHost(false));
        HttpResponse<Buffer> health = await(client.get(engine.httpPort(), "localhost", "/health").send());
        assertThat(health.version()).isEqualTo(version);
        assertThat(health.statusCode()).isIn(200, 503);
        assertThat(health.bodyAsJsonObject().getString("status")).isNotBlank();
        HttpResponse<Buffer> missing = await(client.get(engine.httpPort(), "localhost", "/v1/items/NOPE").send());
        assertThat(missing.statusCode()).isEqualTo(404);
        client.close();
      }
      WebClient plain = WebClient.create(vertx);
      assertThatThrownBy(() -> await(plain.get(engine.httpPort(), "localhost", "/health").send()))
          .as("no plain HTTP on the TLS port").isNotNull();
    } finally {
      await(engine.stop());
      await(vertx.close());
    }
  }

  @Test
  void unreadableCertificateFilesAreNamed(@TempDir Path dir) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.putObject("tls").put("enabled", true).put("certPath", dir.resolve("none.pem").toString())
        .put("keyPath", dir.resolve("none.key").toString());
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), o))
        .isInstanceOf(ConfigException.class).hasMessageContaining("tls.certPath");
  }
}
